/* "fixture-log": appends each endpoint set it is given to the file its configuration names
 * ({"file": PATH}), a line per call, so that the test sees the 1.0 fields arrive. */
#include <stdio.h>
#include <stdlib.h>

#include "fixtures.h"

struct cke_publisher {
  char file[512];
};

static int32_t create(const char* config_json, cke_publisher** out, cke_error* err) {
  cke_publisher* p = calloc(1, sizeof *p);
  if (!p) {
    fixture_host->set_error(err, CKE_RESOURCE_EXHAUSTED, "out of memory");
    return CKE_RESOURCE_EXHAUSTED;
  }
  if (!fixture_config_string(config_json, "file", p->file, sizeof p->file)) {
    free(p);
    fixture_host->set_error(err, CKE_INVALID_ARGUMENT, "fixture-log needs {\"file\": PATH}");
    return CKE_INVALID_ARGUMENT;
  }
  *out = p;
  return CKE_OK;
}
static void destroy(cke_publisher* p) { free(p); }
static int32_t append(cke_publisher* p, const char* what, const cke_endpoint_set* set,
                      cke_error* err) {
  FILE* f = fopen(p->file, "a");
  if (!f) {
    fixture_host->set_error(err, CKE_UNAVAILABLE, "cannot open the fixture's file");
    return CKE_UNAVAILABLE;
  }
  fprintf(f, "%s %s %s/%s %s:", what, set->cluster_name, set->namespace_name, set->service_name,
          set->cluster_domain);
  for (size_t i = 0; i < set->endpoint_count; ++i) {
    const cke_endpoint* e = set->endpoints[i];
    fprintf(f, " %s=%s:%u/%s", e->member_name, e->address, e->port,
            e->ready == 1 ? "ready" : "not-ready");
  }
  fputc('\n', f);
  return fclose(f) == 0 ? CKE_OK : CKE_UNAVAILABLE;
}
static int32_t publish(cke_publisher* p, const cke_endpoint_set* set, cke_error* err) {
  return append(p, "publish", set, err);
}
static int32_t withdraw(cke_publisher* p, const cke_endpoint_set* set, cke_error* err) {
  return append(p, "withdraw", set, err);
}

static const cke_publisher_table table = {sizeof(cke_publisher_table), create, destroy, publish,
                                          withdraw};
const cke_plugin_descriptor fixture_publisher = {
    sizeof(cke_plugin_descriptor), CKE_ABI_VERSION, CKE_KIND_PUBLISHER, "fixture-log", "1.0.0",
    "ABI 1.0 fixture: endpoint sets appended to a file", NULL, &table};
