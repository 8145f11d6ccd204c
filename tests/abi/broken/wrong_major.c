/* Broken on purpose: claims ABI 2.0 through the v1 entry symbol. */
#include "stub_compressor.h"

static const cke_compressor_table table = STUB_COMPRESSOR_TABLE(stub_create);
static const cke_plugin_descriptor descriptor = {sizeof(cke_plugin_descriptor),
                                                 CKE_ABI_MAKE_VERSION(2, 0),
                                                 CKE_KIND_COMPRESSOR,
                                                 "future",
                                                 "9.9",
                                                 0,
                                                 0,
                                                 &table};
static const cke_plugin_descriptor* const plugins[] = {&descriptor};
static const cke_plugin_list list = {sizeof(cke_plugin_list), CKE_ABI_MAKE_VERSION(2, 0), 1,
                                     plugins};

__attribute__((visibility("default"))) const cke_plugin_list* cke_plugin_entry_v1(
    const cke_host* host) {
  (void)host;
  return &list;
}
