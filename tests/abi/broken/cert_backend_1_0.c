/* A certificate backend as built against ABI 1.0: it claims 1.0 and its table ends after
 * `issue`. The slot where 1.1 put sign_crl holds a function that aborts, so a core that read
 * past struct_size would crash the test. */
#include <stdlib.h>
#include <string.h>

#include "cke/plugin_abi.h"

static int32_t create(const char* config_json, cke_cert_backend** out, cke_error* err) {
  (void)config_json;
  (void)err;
  static int instance;
  *out = (cke_cert_backend*)&instance;
  return CKE_OK;
}
static void destroy(cke_cert_backend* instance) { (void)instance; }
static int32_t write_text(const cke_writer* sink, const char* text, cke_error* err) {
  return sink->write(sink->ctx, (const uint8_t*)text, strlen(text), err);
}
static int32_t ca_certificate(cke_cert_backend* instance, const char* ca_name,
                              const cke_writer* pem_sink, cke_error* err) {
  (void)instance;
  (void)ca_name;
  return write_text(pem_sink, "old CA\n", err);
}
static int32_t issue(cke_cert_backend* instance, const cke_cert_request* request,
                     const cke_writer* cert_sink, const cke_writer* key_sink, cke_error* err) {
  (void)instance;
  (void)request;
  int32_t status = write_text(cert_sink, "old certificate\n", err);
  return status != CKE_OK ? status : write_text(key_sink, "old key\n", err);
}
static int32_t never(cke_cert_backend* instance, const char* ca_name,
                     const cke_revoked_certificate* revoked, size_t count, int64_t this_update,
                     int64_t next_update, const cke_writer* pem_sink, cke_error* err) {
  (void)instance, (void)ca_name, (void)revoked, (void)count, (void)this_update;
  (void)next_update, (void)pem_sink, (void)err;
  abort();
}

static const cke_cert_backend_table table = {(uint32_t)offsetof(cke_cert_backend_table, sign_crl),
                                             create,
                                             destroy,
                                             ca_certificate,
                                             issue,
                                             never};
static const cke_plugin_descriptor descriptor = {sizeof(cke_plugin_descriptor),
                                                 CKE_ABI_MAKE_VERSION(1, 0),
                                                 CKE_KIND_CERT_BACKEND,
                                                 "old-ca",
                                                 "1.0",
                                                 0,
                                                 0,
                                                 &table};
static const cke_plugin_descriptor* const plugins[] = {&descriptor};
static const cke_plugin_list list = {sizeof(cke_plugin_list), CKE_ABI_MAKE_VERSION(1, 0), 1,
                                     plugins};

__attribute__((visibility("default"))) const cke_plugin_list* cke_plugin_entry_v1(
    const cke_host* host) {
  (void)host;
  return &list;
}
