/* "fixture-copy": a compressor whose output is its input with a 4-byte header, so that a
 * round trip through the host's streams proves both directions work. */
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"

static const uint8_t kHeader[4] = {'C', 'P', 'Y', '1'};
static int instance;

struct cke_compress_stream {
  cke_writer sink;
};
struct cke_decompress_stream {
  cke_reader source;
  int header_read;
};

static int32_t create(const char* config_json, cke_compressor** out, cke_error* err) {
  (void)config_json, (void)err;
  *out = (cke_compressor*)&instance;
  return CKE_OK;
}
static void destroy(cke_compressor* c) { (void)c; }
static int32_t open_writer(cke_compressor* c, const cke_writer* sink, cke_compress_stream** out,
                           cke_error* err) {
  (void)c;
  cke_compress_stream* s = malloc(sizeof *s);
  if (!s) {
    fixture_host->set_error(err, CKE_RESOURCE_EXHAUSTED, "out of memory");
    return CKE_RESOURCE_EXHAUSTED;
  }
  s->sink = *sink;
  int32_t status = s->sink.write(s->sink.ctx, kHeader, sizeof kHeader, err);
  if (status != CKE_OK) {
    free(s);
    return status;
  }
  *out = s;
  return CKE_OK;
}
static int32_t write_bytes(cke_compress_stream* s, const uint8_t* data, size_t size,
                           cke_error* err) {
  return s->sink.write(s->sink.ctx, data, size, err);
}
static int32_t finish(cke_compress_stream* s, cke_error* err) {
  (void)s, (void)err;
  return CKE_OK;
}
static void close_writer(cke_compress_stream* s) { free(s); }
static int32_t open_reader(cke_compressor* c, const cke_reader* source, cke_decompress_stream** out,
                           cke_error* err) {
  (void)c;
  cke_decompress_stream* s = malloc(sizeof *s);
  if (!s) {
    fixture_host->set_error(err, CKE_RESOURCE_EXHAUSTED, "out of memory");
    return CKE_RESOURCE_EXHAUSTED;
  }
  s->source = *source;
  s->header_read = 0;
  *out = s;
  return CKE_OK;
}
static int64_t read_bytes(cke_decompress_stream* s, uint8_t* buf, size_t capacity,
                          cke_error* err) {
  if (!s->header_read) {
    uint8_t header[sizeof kHeader];
    size_t got = 0;
    while (got < sizeof header) {
      int64_t n = s->source.read(s->source.ctx, header + got, sizeof header - got, err);
      if (n < 0) return n;
      if (n == 0) break;
      got += (size_t)n;
    }
    if (got != sizeof header || memcmp(header, kHeader, sizeof header) != 0) {
      fixture_host->set_error(err, CKE_DATA_LOSS, "not fixture-copy data: the header is missing");
      return -CKE_DATA_LOSS;
    }
    s->header_read = 1;
  }
  return s->source.read(s->source.ctx, buf, capacity, err);
}
static void close_reader(cke_decompress_stream* s) { free(s); }

static const cke_compressor_table table = {
    sizeof(cke_compressor_table), ".copy", create, destroy, open_writer, write_bytes, finish,
    close_writer, open_reader, read_bytes, close_reader};
const cke_plugin_descriptor fixture_compressor = {
    sizeof(cke_plugin_descriptor), CKE_ABI_VERSION, CKE_KIND_COMPRESSOR, "fixture-copy", "1.0.0",
    "ABI 1.0 fixture: a 4-byte header, then the bytes as they are", NULL, &table};
