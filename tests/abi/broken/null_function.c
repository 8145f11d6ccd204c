/* Broken on purpose: a compressor table with an empty function pointer. */
#include "stub_compressor.h"

static cke_compressor_table table = STUB_COMPRESSOR_TABLE(stub_create);
static const cke_plugin_descriptor descriptor = {sizeof(cke_plugin_descriptor),
                                                 CKE_ABI_VERSION,
                                                 CKE_KIND_COMPRESSOR,
                                                 "hollow",
                                                 "1.0",
                                                 0,
                                                 0,
                                                 &table};
static const cke_plugin_descriptor* const plugins[] = {&descriptor};
static const cke_plugin_list list = {sizeof(cke_plugin_list), CKE_ABI_VERSION, 1, plugins};

__attribute__((visibility("default"))) const cke_plugin_list* cke_plugin_entry_v1(
    const cke_host* host) {
  (void)host;
  table.read = 0;
  return &list;
}
