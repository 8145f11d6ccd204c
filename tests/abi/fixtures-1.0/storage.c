/* "fixture-memory": objects kept in memory for the life of the instance. */
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"

typedef struct object {
  char* key;
  uint8_t* data;
  size_t size;
  struct object* next;
} object;

struct cke_storage {
  object* objects;
};

static int32_t fail(cke_error* err, int32_t code, const char* message) {
  fixture_host->set_error(err, code, message);
  return code;
}
static object* find(cke_storage* s, const char* key) {
  for (object* o = s->objects; o; o = o->next) {
    if (strcmp(o->key, key) == 0) return o;
  }
  return NULL;
}
static int32_t create(const char* config_json, cke_storage** out, cke_error* err) {
  (void)config_json;
  cke_storage* s = calloc(1, sizeof *s);
  if (!s) return fail(err, CKE_RESOURCE_EXHAUSTED, "out of memory");
  *out = s;
  return CKE_OK;
}
static void free_object(object* o) {
  free(o->key);
  free(o->data);
  free(o);
}
static void destroy(cke_storage* s) {
  while (s->objects) {
    object* next = s->objects->next;
    free_object(s->objects);
    s->objects = next;
  }
  free(s);
}
static int32_t put(cke_storage* s, const char* key, const cke_reader* source, cke_error* err) {
  size_t size = 0, capacity = 4096;
  uint8_t* data = malloc(capacity);
  if (!data) return fail(err, CKE_RESOURCE_EXHAUSTED, "out of memory");
  for (;;) {
    if (size == capacity) {
      uint8_t* bigger = realloc(data, capacity * 2);
      if (!bigger) {
        free(data);
        return fail(err, CKE_RESOURCE_EXHAUSTED, "out of memory");
      }
      data = bigger;
      capacity *= 2;
    }
    int64_t n = source->read(source->ctx, data + size, capacity - size, err);
    if (n < 0) { /* nothing stored: the old object, if any, stays */
      free(data);
      return (int32_t)-n;
    }
    if (n == 0) break;
    size += (size_t)n;
  }
  object* o = find(s, key);
  if (o) { /* replaced whole, only now that every byte arrived */
    free(o->data);
  } else {
    o = calloc(1, sizeof *o);
    if (!o || !(o->key = strdup(key))) {
      free(o);
      free(data);
      return fail(err, CKE_RESOURCE_EXHAUSTED, "out of memory");
    }
    o->next = s->objects;
    s->objects = o;
  }
  o->data = data;
  o->size = size;
  return CKE_OK;
}
static int32_t get(cke_storage* s, const char* key, const cke_writer* sink, cke_error* err) {
  object* o = find(s, key);
  if (!o) return fail(err, CKE_NOT_FOUND, "no such object");
  return o->size ? sink->write(sink->ctx, o->data, o->size, err) : CKE_OK;
}
static int32_t stat_object(cke_storage* s, const char* key, cke_object_info* info,
                           cke_error* err) {
  object* o = find(s, key);
  if (!o) return fail(err, CKE_NOT_FOUND, "no such object");
  info->key = o->key;
  info->size = o->size;
  info->mtime_unix_ms = 0;
  return CKE_OK;
}
static int32_t remove_object(cke_storage* s, const char* key, cke_error* err) {
  for (object** link = &s->objects; *link; link = &(*link)->next) {
    if (strcmp((*link)->key, key) == 0) {
      object* gone = *link;
      *link = gone->next;
      free_object(gone);
      return CKE_OK;
    }
  }
  return fail(err, CKE_NOT_FOUND, "no such object");
}
static int32_t list(cke_storage* s, const char* prefix, cke_object_callback callback, void* ctx,
                    cke_error* err) {
  (void)err;
  for (object* o = s->objects; o; o = o->next) {
    if (strncmp(o->key, prefix, strlen(prefix)) != 0) continue;
    /* A 1.0 cke_object_info: the host must not read past its struct_size. */
    cke_object_info info = {sizeof(cke_object_info), o->key, o->size, 0};
    int32_t status = callback(ctx, &info);
    if (status != CKE_OK) return status;
  }
  return CKE_OK;
}

static const cke_storage_table table = {sizeof(cke_storage_table), create, destroy, put, get,
                                        stat_object, remove_object, list};
const cke_plugin_descriptor fixture_storage = {
    sizeof(cke_plugin_descriptor), CKE_ABI_VERSION, CKE_KIND_STORAGE, "fixture-memory", "1.0.0",
    "ABI 1.0 fixture: objects in memory", NULL, &table};
