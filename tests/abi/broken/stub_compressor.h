/* A compressor table whose functions do nothing, for the broken test plugins written in C. */
#ifndef CKE_TEST_STUB_COMPRESSOR_H
#define CKE_TEST_STUB_COMPRESSOR_H

#include "cke/compressor.h"

static void stub_destroy(cke_compressor* c) { (void)c; }
static int32_t stub_open_writer(cke_compressor* c, const cke_writer* s, cke_compress_stream** o,
                                cke_error* e) {
  (void)c;
  (void)s;
  (void)o;
  (void)e;
  return CKE_UNIMPLEMENTED;
}
static int32_t stub_write(cke_compress_stream* s, const uint8_t* d, size_t n, cke_error* e) {
  (void)s;
  (void)d;
  (void)n;
  (void)e;
  return CKE_UNIMPLEMENTED;
}
static int32_t stub_finish(cke_compress_stream* s, cke_error* e) {
  (void)s;
  (void)e;
  return CKE_UNIMPLEMENTED;
}
static void stub_close_writer(cke_compress_stream* s) { (void)s; }
static int32_t stub_open_reader(cke_compressor* c, const cke_reader* s, cke_decompress_stream** o,
                                cke_error* e) {
  (void)c;
  (void)s;
  (void)o;
  (void)e;
  return CKE_UNIMPLEMENTED;
}
static int64_t stub_read(cke_decompress_stream* s, uint8_t* b, size_t n, cke_error* e) {
  (void)s;
  (void)b;
  (void)n;
  (void)e;
  return -CKE_UNIMPLEMENTED;
}
static void stub_close_reader(cke_decompress_stream* s) { (void)s; }

#define STUB_COMPRESSOR_TABLE(create_fn)                                                     \
  {                                                                                          \
    sizeof(cke_compressor_table), "", create_fn, stub_destroy, stub_open_writer, stub_write, \
        stub_finish, stub_close_writer, stub_open_reader, stub_read, stub_close_reader       \
  }

static int32_t stub_create(const char* config, cke_compressor** out, cke_error* e) {
  static int instance;
  (void)config;
  (void)e;
  *out = (cke_compressor*)&instance;
  return CKE_OK;
}

#endif
