/*
 * cke plugin ABI: the common part every plugin kind shares.
 *
 * This header is C99 and depends only on <stdint.h> and <stddef.h>. It is the whole contract
 * between the cke core and a plugin; nothing else (no C++ type, no exception, no allocation
 * other than an error message) crosses the boundary.
 *
 * Stability rules (see docs/plugin-abi.md):
 *  - every struct that crosses starts with `uint32_t struct_size` (the size the writer of the
 *    struct was compiled with); readers check it before touching a field added by a later minor;
 *  - within a major version, structs only grow at the end; nothing is reordered or removed;
 *  - a change to any boundary struct bumps CKE_ABI_MINOR (tests/abi enforces it);
 *  - a plugin exports exactly one symbol, CKE_PLUGIN_ENTRY_SYMBOL, whose name carries the major.
 */
#ifndef CKE_ABI_H
#define CKE_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CKE_ABI_MAJOR 1
#define CKE_ABI_MINOR 0
/* A version as carried in `abi_version` fields: major in the high 16 bits, minor in the low. */
#define CKE_ABI_MAKE_VERSION(major, minor) ((((uint32_t)(major)) << 16) | ((uint32_t)(minor)))
#define CKE_ABI_VERSION CKE_ABI_MAKE_VERSION(CKE_ABI_MAJOR, CKE_ABI_MINOR)
#define CKE_ABI_VERSION_MAJOR(v) ((uint32_t)(v) >> 16)
#define CKE_ABI_VERSION_MINOR(v) ((uint32_t)(v)&0xffffu)

/* Status codes use gRPC's numbering; 0 is success. Functions return them as int32_t. */
#define CKE_OK 0
#define CKE_CANCELLED 1
#define CKE_UNKNOWN 2
#define CKE_INVALID_ARGUMENT 3
#define CKE_DEADLINE_EXCEEDED 4
#define CKE_NOT_FOUND 5
#define CKE_ALREADY_EXISTS 6
#define CKE_PERMISSION_DENIED 7
#define CKE_RESOURCE_EXHAUSTED 8
#define CKE_FAILED_PRECONDITION 9
#define CKE_ABORTED 10
#define CKE_OUT_OF_RANGE 11
#define CKE_UNIMPLEMENTED 12
#define CKE_INTERNAL 13
#define CKE_UNAVAILABLE 14
#define CKE_DATA_LOSS 15

/* Plugin kinds. No kind is 0, so a zeroed descriptor is never valid. */
#define CKE_KIND_CERT_BACKEND 1u
#define CKE_KIND_STORAGE 2u
#define CKE_KIND_COMPRESSOR 3u
#define CKE_KIND_PUBLISHER 4u
#define CKE_KIND_RUNTIME 5u

/* Log levels for cke_host.log. */
#define CKE_LOG_DEBUG 1
#define CKE_LOG_INFO 2
#define CKE_LOG_WARN 3
#define CKE_LOG_ERROR 4

/*
 * Error details. Caller-owned: the caller zero-initialises it, sets struct_size and passes a
 * pointer (or NULL when it does not want details). A plugin never writes `message` itself: it
 * calls cke_host.set_error, which allocates the message on the host side; the host frees it.
 */
typedef struct cke_error {
  uint32_t struct_size;
  int32_t code;  /* the status code also returned by the failing call */
  char* message; /* host-allocated, NUL-terminated, or NULL */
} cke_error;

/*
 * Pull stream: the callee calls `read` until it returns 0 (end) or a negative value (error).
 * Ownership: `ctx` and the struct belong to whoever passed the reader; they stay valid for the
 * duration of the call that received them, and are never used after it returns.
 * read: fills buf with 1..capacity bytes and returns that count, returns 0 at the end of the
 *       stream, or returns the negated status code after filling *err. Not thread-safe: one
 *       caller at a time.
 */
typedef struct cke_reader {
  uint32_t struct_size;
  void* ctx;
  int64_t (*read)(void* ctx, uint8_t* buf, size_t capacity, cke_error* err);
} cke_reader;

/*
 * Push stream: the callee calls `write` with borrowed bytes (valid only during the call).
 * write: consumes all `size` bytes and returns CKE_OK, or fills *err and returns its status.
 * Lifetime and threading as for cke_reader.
 */
typedef struct cke_writer {
  uint32_t struct_size;
  void* ctx;
  int32_t (*write)(void* ctx, const uint8_t* data, size_t size, cke_error* err);
} cke_writer;

/*
 * What the host offers every plugin, passed to the entry point. Owned by the host, valid for
 * the life of the process. All functions are thread-safe.
 */
typedef struct cke_host {
  uint32_t struct_size;
  uint32_t abi_version; /* the host's CKE_ABI_VERSION */
  /* Writes a log line attributed to `plugin` (its name). Never pass secrets. */
  void (*log)(int32_t level, const char* plugin, const char* message);
  /* Records an error in *err (ignored when err is NULL): the host copies `message`, replacing
   * any message already there. */
  void (*set_error)(cke_error* err, int32_t code, const char* message);
  /* Frees the message of an error the host filled (for instance when a host-provided stream
   * failed inside a plugin) and zeroes code and message. */
  void (*clear_error)(cke_error* err);
} cke_host;

/*
 * One plugin. Static data of the shared object: the host never frees or writes it.
 * `table` points to the kind's function table (cke_compressor_table for CKE_KIND_COMPRESSOR, …),
 * whose first member is its own struct_size.
 */
typedef struct cke_plugin_descriptor {
  uint32_t struct_size;
  uint32_t abi_version;      /* CKE_ABI_VERSION the plugin was built against */
  uint32_t kind;             /* CKE_KIND_* */
  const char* name;          /* unique per kind: [a-z0-9][a-z0-9._-]* */
  const char* version;       /* the plugin's own version, free text such as "1.2.0" */
  const char* description;   /* one line, may be NULL */
  const char* config_schema; /* JSON schema of the configuration object, may be NULL */
  const void* table;
} cke_plugin_descriptor;

/* What the entry point returns: static data of the shared object. */
typedef struct cke_plugin_list {
  uint32_t struct_size;
  uint32_t abi_version;
  uint32_t count;
  const cke_plugin_descriptor* const* plugins;
} cke_plugin_list;

#define CKE_PLUGIN_ENTRY_SYMBOL "cke_plugin_entry_v1"

/*
 * The single exported symbol. Called once per process, from one thread, before any other call.
 * `host` stays valid for the life of the process. Returns NULL when the plugin cannot run at all.
 */
typedef const cke_plugin_list* (*cke_plugin_entry_fn)(const cke_host* host);

#ifdef __cplusplus
}
#endif

#endif /* CKE_ABI_H */
