/* Broken on purpose: claims ABI 1.0 but its compressor table is shorter than 1.0 defines. */
#include "stub_compressor.h"

static cke_compressor_table table = STUB_COMPRESSOR_TABLE(stub_create);
static const cke_plugin_descriptor descriptor = {sizeof(cke_plugin_descriptor),
                                                 CKE_ABI_VERSION,
                                                 CKE_KIND_COMPRESSOR,
                                                 "stubby",
                                                 "1.0",
                                                 0,
                                                 0,
                                                 &table};
static const cke_plugin_descriptor* const plugins[] = {&descriptor};
static const cke_plugin_list list = {sizeof(cke_plugin_list), CKE_ABI_VERSION, 1, plugins};

__attribute__((visibility("default"))) const cke_plugin_list* cke_plugin_entry_v1(
    const cke_host* host) {
  (void)host;
  /* as if built against an older header that stopped after `finish` */
  table.struct_size = (uint32_t)offsetof(cke_compressor_table, close_writer);
  return &list;
}
