/* Broken on purpose: one shared object listing two compressors with the same name. */
#include "stub_compressor.h"

static const cke_compressor_table table = STUB_COMPRESSOR_TABLE(stub_create);
static const cke_plugin_descriptor first = {sizeof(cke_plugin_descriptor),
                                            CKE_ABI_VERSION,
                                            CKE_KIND_COMPRESSOR,
                                            "twin",
                                            "1.0",
                                            0,
                                            0,
                                            &table};
static const cke_plugin_descriptor second = {sizeof(cke_plugin_descriptor),
                                             CKE_ABI_VERSION,
                                             CKE_KIND_COMPRESSOR,
                                             "twin",
                                             "2.0",
                                             0,
                                             0,
                                             &table};
static const cke_plugin_descriptor* const plugins[] = {&first, &second};
static const cke_plugin_list list = {sizeof(cke_plugin_list), CKE_ABI_VERSION, 2, plugins};

__attribute__((visibility("default"))) const cke_plugin_list* cke_plugin_entry_v1(
    const cke_host* host) {
  (void)host;
  return &list;
}
