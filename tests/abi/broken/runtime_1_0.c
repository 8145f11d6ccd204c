/* A node runtime as built against ABI 1.0: it claims 1.0 and its table ends after `wipe`. The
 * slots where 1.2 put stage_restore and the rest hold a function that aborts, so a core that read
 * past struct_size would crash the test. It runs nothing: inspect reports no member. */
#include <stdlib.h>

#include "cke/plugin_abi.h"

static int instance;
static int node;

static int32_t create(const char* config_json, const cke_event_sink* events, cke_runtime** out,
                      cke_error* err) {
  (void)config_json, (void)events, (void)err;
  *out = (cke_runtime*)&instance;
  return CKE_OK;
}
static void destroy(cke_runtime* p) { (void)p; }
static int32_t open_node(cke_runtime* p, const cke_node_spec* spec, cke_node** out,
                         cke_error* err) {
  (void)p, (void)spec, (void)err;
  *out = (cke_node*)&node;
  return CKE_OK;
}
static void close_node(cke_node* n) { (void)n; }
static int32_t write_file(cke_node* n, const char* path, uint32_t mode, const uint8_t* data,
                          size_t size, cke_error* err) {
  (void)n, (void)path, (void)mode, (void)data, (void)size, (void)err;
  return CKE_OK;
}
static int32_t start(cke_node* n, const cke_member_command* command, cke_error* err) {
  (void)n, (void)command, (void)err;
  return CKE_OK;
}
static int32_t stop(cke_node* n, int64_t timeout_ms, cke_error* err) {
  (void)n, (void)timeout_ms, (void)err;
  return CKE_OK;
}
static int32_t inspect(cke_node* n, cke_member_status* status, cke_error* err) {
  (void)n, (void)err;
  status->state = CKE_MEMBER_ABSENT;
  status->pid = 0;
  return CKE_OK;
}
static int32_t wipe(cke_node* n, cke_error* err) {
  (void)n, (void)err;
  return CKE_OK;
}
static int32_t never_stage(cke_node* n, const cke_restore_spec* spec, const cke_reader* snapshot,
                           cke_error* err) {
  (void)n, (void)spec, (void)snapshot, (void)err;
  abort();
}
static int32_t never(cke_node* n, cke_error* err) {
  (void)n, (void)err;
  abort();
}
static int32_t never_log(cke_node* n, size_t max_bytes, const cke_writer* out, cke_error* err) {
  (void)n, (void)max_bytes, (void)out, (void)err;
  abort();
}

static const cke_runtime_table table = {(uint32_t)offsetof(cke_runtime_table, stage_restore),
                                        create,
                                        destroy,
                                        open_node,
                                        close_node,
                                        write_file,
                                        start,
                                        stop,
                                        inspect,
                                        wipe,
                                        never_stage,
                                        never,
                                        never,
                                        never,
                                        never_log};
static const cke_plugin_descriptor descriptor = {sizeof(cke_plugin_descriptor),
                                                 CKE_ABI_MAKE_VERSION(1, 0),
                                                 CKE_KIND_RUNTIME,
                                                 "old-runtime",
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
