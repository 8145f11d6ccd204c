/*
 * Storage target plugins (CKE_KIND_STORAGE): where backups live.
 *
 * Keys are validated by the core before they reach a plugin: they are plain file names
 * ([A-Za-z0-9][A-Za-z0-9._-]*), never paths. An object becomes visible to `list`, `stat` and
 * `get` only once `put` has returned CKE_OK: a failed or interrupted put leaves nothing behind
 * under `key` (a plugin writes to a temporary name and renames, or uses its store's atomic upload).
 *
 * Threading: calls on one instance may come from several threads at once.
 */
#ifndef CKE_STORAGE_H
#define CKE_STORAGE_H

#include "cke/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cke_storage cke_storage; /* opaque instance */

/* Filled by the plugin; strings borrowed from the plugin, valid during the callback or call. */
typedef struct cke_object_info {
  uint32_t struct_size;
  const char* key;
  uint64_t size;         /* stored bytes */
  int64_t mtime_unix_ms; /* last modification, milliseconds since the Unix epoch */
} cke_object_info;

/* Called once per object; returning non-zero stops the listing (list then returns CKE_OK). */
typedef int32_t (*cke_object_callback)(void* ctx, const cke_object_info* info);

typedef struct cke_storage_table {
  uint32_t struct_size;
  int32_t (*create)(const char* config_json, cke_storage** out, cke_error* err);
  void (*destroy)(cke_storage* instance);
  /* Pulls the object's bytes from `source` at the plugin's pace and stores them under `key`,
   * replacing an existing object atomically. */
  int32_t (*put)(cke_storage* instance, const char* key, const cke_reader* source, cke_error* err);
  /* Pushes the object's bytes into `sink`. CKE_NOT_FOUND when there is no such object. */
  int32_t (*get)(cke_storage* instance, const char* key, const cke_writer* sink, cke_error* err);
  /* Fills *info (whose struct_size the caller set). CKE_NOT_FOUND when absent. */
  int32_t (*stat)(cke_storage* instance, const char* key, cke_object_info* info, cke_error* err);
  /* Removes the object. CKE_NOT_FOUND when absent. */
  int32_t (*remove)(cke_storage* instance, const char* key, cke_error* err);
  /* Calls `callback` for each object whose key starts with `prefix` ("" for all), any order. */
  int32_t (*list)(cke_storage* instance, const char* prefix, cke_object_callback callback,
                  void* ctx, cke_error* err);
} cke_storage_table;

#ifdef __cplusplus
}
#endif

#endif /* CKE_STORAGE_H */
