/*
 * Compressor plugins (CKE_KIND_COMPRESSOR): wrap streams.
 *
 * Compressing: open_writer takes the sink that receives compressed bytes and returns a stream
 * that accepts raw bytes through `write`; `finish` ends the frame and flushes everything to the
 * sink; `close_writer` frees the stream (without finish, the output is incomplete).
 * Decompressing: open_reader takes the source of compressed bytes and returns a stream whose
 * `read` yields raw bytes, with the cke_reader conventions (count, 0 at the end, -status).
 *
 * Memory: a stream must use bounded memory whatever the payload size.
 * Threading: an instance may be used from several threads, each with its own streams; a stream
 * is used by one thread at a time.
 */
#ifndef CKE_COMPRESSOR_H
#define CKE_COMPRESSOR_H

#include "cke/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cke_compressor cke_compressor;               /* opaque instance */
typedef struct cke_compress_stream cke_compress_stream;     /* opaque, raw in */
typedef struct cke_decompress_stream cke_decompress_stream; /* opaque, raw out */

typedef struct cke_compressor_table {
  uint32_t struct_size;
  /* The file extension this compressor's output gets, with its dot (".gz"), or "" for none. */
  const char* file_extension;
  /* Creates an instance from a JSON object (e.g. {"level": 3}); "{}" means defaults. */
  int32_t (*create)(const char* config_json, cke_compressor** out, cke_error* err);
  /* Frees an instance and nothing else; every stream of it is closed before. */
  void (*destroy)(cke_compressor* instance);
  /* `sink` is copied; its ctx must stay valid until close_writer returns. */
  int32_t (*open_writer)(cke_compressor* instance, const cke_writer* sink,
                         cke_compress_stream** out, cke_error* err);
  int32_t (*write)(cke_compress_stream* stream, const uint8_t* data, size_t size, cke_error* err);
  int32_t (*finish)(cke_compress_stream* stream, cke_error* err);
  void (*close_writer)(cke_compress_stream* stream);
  /* `source` is copied; its ctx must stay valid until close_reader returns. */
  int32_t (*open_reader)(cke_compressor* instance, const cke_reader* source,
                         cke_decompress_stream** out, cke_error* err);
  int64_t (*read)(cke_decompress_stream* stream, uint8_t* buf, size_t capacity, cke_error* err);
  void (*close_reader)(cke_decompress_stream* stream);
} cke_compressor_table;

#ifdef __cplusplus
}
#endif

#endif /* CKE_COMPRESSOR_H */
