/*
 * Node runtime plugins (CKE_KIND_RUNTIME): run etcd members on nodes.
 *
 * A runtime instance manages nodes; `open_node` returns a handle for one node. Closing the
 * handle is a fence: after close_node returns, the plugin calls nothing on the host for that node.
 * Members are expected to outlive the controller: stopping cke does not stop them, and a new
 * instance finds (adopts) members started by an earlier one through `inspect`.
 * Layout below member_dir: the member's etcd data directory is `member_dir/data` (its presence
 * is what tells CKE_MEMBER_STOPPED from CKE_MEMBER_ABSENT); files written with write_file land
 * at `member_dir/relative_path`.
 *
 * Threading: calls for different nodes may run concurrently; calls for one node are serialised
 * by the host. The event sink may be called from any thread.
 */
#ifndef CKE_RUNTIME_H
#define CKE_RUNTIME_H

#include "cke/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cke_runtime cke_runtime; /* opaque instance */
typedef struct cke_node cke_node;       /* opaque node handle */

/* Thread-safe sink for state changes and member output; owned by the host, valid until destroy. */
typedef struct cke_event_sink {
  uint32_t struct_size;
  void* ctx;
  void (*emit)(void* ctx, const char* node_address, int32_t level, const char* message);
} cke_event_sink;

/* Borrowed for the duration of open_node. */
typedef struct cke_node_spec {
  uint32_t struct_size;
  const char* address;    /* node IP address; also the member name */
  const char* hostname;   /* may be "" */
  const char* user;       /* login user for remote runtimes; may be "" */
  const char* member_dir; /* where the member's files live on the node */
} cke_node_spec;

/* Borrowed for the duration of start. argv[0] is the etcd binary ("etcd" to search PATH). */
typedef struct cke_member_command {
  uint32_t struct_size;
  const char* const* argv;
  size_t argc;
  const char* const* env; /* "NAME=value": the member's environment (the local runtime adds PATH) */
  size_t envc;
} cke_member_command;

/* Member states; none is 0. */
#define CKE_MEMBER_ABSENT 1u  /* no data directory */
#define CKE_MEMBER_STOPPED 2u /* data present, no process */
#define CKE_MEMBER_RUNNING 3u /* a live process serving this data directory */

typedef struct cke_member_status {
  uint32_t struct_size;
  uint32_t state; /* CKE_MEMBER_* */
  int64_t pid;    /* when running, else 0 */
} cke_member_status;

typedef struct cke_runtime_table {
  uint32_t struct_size;
  int32_t (*create)(const char* config_json, const cke_event_sink* events, cke_runtime** out,
                    cke_error* err);
  void (*destroy)(cke_runtime* instance);
  int32_t (*open_node)(cke_runtime* instance, const cke_node_spec* spec, cke_node** out,
                       cke_error* err);
  void (*close_node)(cke_node* node);
  /* Writes a file below the member dir (`relative_path` has no ".." and is not absolute)
   * atomically, with `mode` (e.g. 0600). */
  int32_t (*write_file)(cke_node* node, const char* relative_path, uint32_t mode,
                        const uint8_t* data, size_t size, cke_error* err);
  /* Starts the member detached; CKE_ALREADY_EXISTS when it already runs. */
  int32_t (*start)(cke_node* node, const cke_member_command* command, cke_error* err);
  /* Stops the member, waiting up to timeout_ms before killing it; 0 kills it at once. CKE_OK
   * when not running. */
  int32_t (*stop)(cke_node* node, int64_t timeout_ms, cke_error* err);
  int32_t (*inspect)(cke_node* node, cke_member_status* status, cke_error* err);
  /* Removes the member's data (the member must be stopped). */
  int32_t (*wipe)(cke_node* node, cke_error* err);
} cke_runtime_table;

#ifdef __cplusplus
}
#endif

#endif /* CKE_RUNTIME_H */
