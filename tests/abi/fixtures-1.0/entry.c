#include <stdio.h>
#include <string.h>

#include "fixtures.h"

const cke_host* fixture_host;

int fixture_config_string(const char* json, const char* key, char* out, unsigned long size) {
  char quoted[64];
  snprintf(quoted, sizeof quoted, "\"%s\"", key);
  const char* at = json ? strstr(json, quoted) : NULL;
  if (!at) return 0;
  at = strchr(at + strlen(quoted), '"');
  if (!at) return 0;
  const char* end = strchr(++at, '"');
  if (!end || (unsigned long)(end - at) >= size) return 0;
  memcpy(out, at, (size_t)(end - at));
  out[end - at] = '\0';
  return 1;
}

static const cke_plugin_descriptor* const plugins[] = {
    &fixture_compressor, &fixture_storage, &fixture_cert_backend, &fixture_publisher,
    &fixture_runtime};
static const cke_plugin_list list = {sizeof(cke_plugin_list), CKE_ABI_VERSION, 5, plugins};

__attribute__((visibility("default"))) const cke_plugin_list* cke_plugin_entry_v1(
    const cke_host* host) {
  fixture_host = host;
  return &list;
}
