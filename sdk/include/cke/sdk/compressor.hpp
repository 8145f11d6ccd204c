// C++ base classes for a compressor plugin and the trampolines that expose them through
// cke_compressor_table. A plugin derives from Compressor and names it in CKE_PLUGINS.
#pragma once

#include <memory>
#include <span>
#include <string_view>

#include "cke/compressor.h"
#include "cke/sdk/error.hpp"
#include "cke/sdk/plugin_info.hpp"
#include "cke/sdk/streams.hpp"

namespace cke::sdk {

// Accepts raw bytes and writes the compressed form to the sink it was opened with.
class CompressStream {
 public:
  virtual ~CompressStream() = default;
  virtual void write(std::span<const uint8_t> data) = 0;
  virtual void finish() = 0;  // ends the frame; no write after it
};

// Yields raw bytes decoded from the source it was opened with.
class DecompressStream {
 public:
  virtual ~DecompressStream() = default;
  virtual size_t read(std::span<uint8_t> buf) = 0;  // 0 at the end
};

// Derive from this; the constructor takes the JSON configuration text.
class Compressor {
 public:
  virtual ~Compressor() = default;
  virtual std::unique_ptr<CompressStream> open_writer(Writer sink) = 0;
  virtual std::unique_ptr<DecompressStream> open_reader(Reader source) = 0;
};

namespace detail::compressor {

template <class T>
int32_t create(const char* config_json, cke_compressor** out, cke_error* err) {
  return barrier(err, [&] {
    auto instance =
        std::make_unique<T>(std::string_view(config_json != nullptr ? config_json : "{}"));
    *out = reinterpret_cast<cke_compressor*>(static_cast<Compressor*>(instance.release()));
  });
}

inline Compressor* self(cke_compressor* p) { return reinterpret_cast<Compressor*>(p); }
inline CompressStream* self(cke_compress_stream* p) { return reinterpret_cast<CompressStream*>(p); }
inline DecompressStream* self(cke_decompress_stream* p) {
  return reinterpret_cast<DecompressStream*>(p);
}

inline void destroy(cke_compressor* p) {
  delete self(p);
}  // NOLINT(cppcoreguidelines-owning-memory)

inline int32_t open_writer(cke_compressor* p, const cke_writer* sink, cke_compress_stream** out,
                           cke_error* err) {
  return barrier(err, [&] {
    *out = reinterpret_cast<cke_compress_stream*>(self(p)->open_writer(Writer(*sink)).release());
  });
}

inline int32_t write(cke_compress_stream* s, const uint8_t* data, size_t size, cke_error* err) {
  return barrier(err, [&] { self(s)->write({data, size}); });
}

inline int32_t finish(cke_compress_stream* s, cke_error* err) {
  return barrier(err, [&] { self(s)->finish(); });
}

inline void close_writer(cke_compress_stream* s) { delete self(s); }  // NOLINT

inline int32_t open_reader(cke_compressor* p, const cke_reader* source, cke_decompress_stream** out,
                           cke_error* err) {
  return barrier(err, [&] {
    *out =
        reinterpret_cast<cke_decompress_stream*>(self(p)->open_reader(Reader(*source)).release());
  });
}

inline int64_t read(cke_decompress_stream* s, uint8_t* buf, size_t capacity, cke_error* err) {
  int64_t count = 0;
  const int32_t status = barrier(err, [&] {
    count = static_cast<int64_t>(self(s)->read({buf, capacity}));
  });
  return status == CKE_OK ? count : -static_cast<int64_t>(status);
}

inline void close_reader(cke_decompress_stream* s) { delete self(s); }  // NOLINT

}  // namespace detail::compressor

// The descriptor of compressor T; `file_extension` includes its dot (".gz") or is "".
template <class T>
const cke_plugin_descriptor* compressor_plugin(const PluginInfo& info, const char* file_extension) {
  namespace c = detail::compressor;
  static const cke_compressor_table table{sizeof(cke_compressor_table),
                                          file_extension,
                                          &c::create<T>,
                                          &c::destroy,
                                          &c::open_writer,
                                          &c::write,
                                          &c::finish,
                                          &c::close_writer,
                                          &c::open_reader,
                                          &c::read,
                                          &c::close_reader};
  static const cke_plugin_descriptor descriptor =
      detail::make_descriptor(CKE_KIND_COMPRESSOR, info, &table);
  return &descriptor;
}

}  // namespace cke::sdk
