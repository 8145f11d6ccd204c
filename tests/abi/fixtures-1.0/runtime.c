/* "fixture-runtime": writes files into the member directory as asked, and pretends to run the
 * member: start records the command line in MEMBER_DIR/started and reports it running until
 * stop; wipe removes that record. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixtures.h"

static int instance;

struct cke_node {
  char dir[512];
  int running;
};

static int32_t fail(cke_error* err, int32_t code, const char* message) {
  fixture_host->set_error(err, code, message);
  return code;
}
static int32_t create(const char* config_json, const cke_event_sink* events, cke_runtime** out,
                      cke_error* err) {
  (void)config_json, (void)events, (void)err;
  *out = (cke_runtime*)&instance;
  return CKE_OK;
}
static void destroy(cke_runtime* r) { (void)r; }
static int32_t open_node(cke_runtime* r, const cke_node_spec* spec, cke_node** out,
                         cke_error* err) {
  (void)r;
  cke_node* n = calloc(1, sizeof *n);
  if (!n) return fail(err, CKE_RESOURCE_EXHAUSTED, "out of memory");
  if (strlen(spec->member_dir) >= sizeof n->dir) {
    free(n);
    return fail(err, CKE_INVALID_ARGUMENT, "member_dir too long for the fixture");
  }
  strcpy(n->dir, spec->member_dir);
  *out = n;
  return CKE_OK;
}
static void close_node(cke_node* n) { free(n); }
static int32_t write_whole(const char* path, uint32_t mode, const uint8_t* data, size_t size,
                           cke_error* err) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, (mode_t)mode);
  if (fd < 0) return fail(err, CKE_UNAVAILABLE, "cannot create the file");
  ssize_t written = size ? write(fd, data, size) : 0;
  fchmod(fd, (mode_t)mode);
  close(fd);
  return written == (ssize_t)size ? CKE_OK : fail(err, CKE_UNAVAILABLE, "short write");
}
static int32_t write_file(cke_node* n, const char* relative_path, uint32_t mode,
                          const uint8_t* data, size_t size, cke_error* err) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", n->dir, relative_path);
  return write_whole(path, mode, data, size, err);
}
static int32_t start(cke_node* n, const cke_member_command* command, cke_error* err) {
  if (n->running) return fail(err, CKE_ALREADY_EXISTS, "already running");
  char line[2048] = "";
  for (size_t i = 0; i < command->argc; ++i) {
    strncat(line, command->argv[i], sizeof line - strlen(line) - 2);
    strncat(line, i + 1 < command->argc ? " " : "\n", sizeof line - strlen(line) - 1);
  }
  char path[1024];
  snprintf(path, sizeof path, "%s/started", n->dir);
  int32_t status = write_whole(path, 0600, (const uint8_t*)line, strlen(line), err);
  n->running = status == CKE_OK;
  return status;
}
static int32_t stop(cke_node* n, int64_t timeout_ms, cke_error* err) {
  (void)timeout_ms, (void)err;
  n->running = 0;
  return CKE_OK;
}
static int32_t inspect(cke_node* n, cke_member_status* status, cke_error* err) {
  (void)err;
  char path[1024];
  snprintf(path, sizeof path, "%s/started", n->dir);
  status->state = n->running                ? CKE_MEMBER_RUNNING
                  : access(path, F_OK) == 0 ? CKE_MEMBER_STOPPED
                                            : CKE_MEMBER_ABSENT;
  status->pid = n->running ? 4242 : 0;
  return CKE_OK;
}
static int32_t wipe(cke_node* n, cke_error* err) {
  if (n->running) return fail(err, CKE_FAILED_PRECONDITION, "stop it first");
  char path[1024];
  snprintf(path, sizeof path, "%s/started", n->dir);
  unlink(path);
  return CKE_OK;
}

static const cke_runtime_table table = {sizeof(cke_runtime_table), create, destroy, open_node,
                                        close_node, write_file, start, stop, inspect, wipe};
const cke_plugin_descriptor fixture_runtime = {
    sizeof(cke_plugin_descriptor), CKE_ABI_VERSION, CKE_KIND_RUNTIME, "fixture-runtime", "1.0.0",
    "ABI 1.0 fixture: files written, a member pretended", NULL, &table};
