/* "fixture-ca": no cryptography; its "certificates" say what request it read, so that the test
 * sees every 1.0 field of cke_cert_request arrive. */
#include <stdio.h>
#include <string.h>

#include "fixtures.h"

static int instance;

static int32_t write_text(const cke_writer* sink, const char* text, cke_error* err) {
  return sink->write(sink->ctx, (const uint8_t*)text, strlen(text), err);
}
static int32_t create(const char* config_json, cke_cert_backend** out, cke_error* err) {
  (void)config_json, (void)err;
  *out = (cke_cert_backend*)&instance;
  return CKE_OK;
}
static void destroy(cke_cert_backend* b) { (void)b; }
static int32_t ca_certificate(cke_cert_backend* b, const char* ca_name, const cke_writer* sink,
                              cke_error* err) {
  (void)b;
  char text[128];
  snprintf(text, sizeof text, "fixture CA %s\n", ca_name);
  return write_text(sink, text, err);
}
static int32_t issue(cke_cert_backend* b, const cke_cert_request* r, const cke_writer* cert_sink,
                     const cke_writer* key_sink, cke_error* err) {
  (void)b;
  char text[1024];
  int used = snprintf(text, sizeof text, "ca=%s cn=%s usages=%u key=%u ttl=%lld", r->ca_name,
                      r->common_name, r->usages, r->key_type, (long long)r->ttl_seconds);
  for (size_t i = 0; i < r->dns_name_count && used < (int)sizeof text; ++i) {
    used += snprintf(text + used, sizeof text - (size_t)used, " dns=%s", r->dns_names[i]);
  }
  for (size_t i = 0; i < r->ip_address_count && used < (int)sizeof text; ++i) {
    used += snprintf(text + used, sizeof text - (size_t)used, " ip=%s", r->ip_addresses[i]);
  }
  if (used >= (int)sizeof text - 1) {
    fixture_host->set_error(err, CKE_INVALID_ARGUMENT, "request too long for the fixture");
    return CKE_INVALID_ARGUMENT;
  }
  strcat(text, "\n");
  int32_t status = write_text(cert_sink, text, err);
  return status != CKE_OK ? status : write_text(key_sink, "fixture key\n", err);
}

static const cke_cert_backend_table table = {sizeof(cke_cert_backend_table), create, destroy,
                                             ca_certificate, issue};
const cke_plugin_descriptor fixture_cert_backend = {
    sizeof(cke_plugin_descriptor), CKE_ABI_VERSION, CKE_KIND_CERT_BACKEND, "fixture-ca", "1.0.0",
    "ABI 1.0 fixture: certificates that describe their request", NULL, &table};
