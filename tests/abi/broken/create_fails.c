/* Loads fine, but refuses to create an instance, reporting why through the host. */
#include "stub_compressor.h"

static const cke_host* the_host;

static int32_t failing_create(const char* config, cke_compressor** out, cke_error* err) {
  (void)config;
  (void)out;
  the_host->set_error(err, CKE_FAILED_PRECONDITION, "no credentials configured");
  return CKE_FAILED_PRECONDITION;
}

static const cke_compressor_table table = STUB_COMPRESSOR_TABLE(failing_create);
static const cke_plugin_descriptor descriptor = {sizeof(cke_plugin_descriptor),
                                                 CKE_ABI_VERSION,
                                                 CKE_KIND_COMPRESSOR,
                                                 "refuser",
                                                 "1.0",
                                                 0,
                                                 0,
                                                 &table};
static const cke_plugin_descriptor* const plugins[] = {&descriptor};
static const cke_plugin_list list = {sizeof(cke_plugin_list), CKE_ABI_VERSION, 1, plugins};

__attribute__((visibility("default"))) const cke_plugin_list* cke_plugin_entry_v1(
    const cke_host* host) {
  the_host = host;
  return &list;
}
