// Shared helpers for the compressor tests: the registry of built plugins and whole-buffer
// round trips (the streams themselves are what is under test).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/plugin/compressor.hpp"
#include "core/plugin/registry.hpp"
#include "core/stream/memory_stream.hpp"

namespace cke::test {

inline const plugin::Registry& built_plugins() {
  static const plugin::Registry registry({CKE_TEST_PLUGIN_DIR});
  return registry;
}

inline std::unique_ptr<plugin::Compressor> make_compressor(const std::string& name,
                                                           const std::string& config = "{}") {
  return std::make_unique<plugin::Compressor>(
      built_plugins().require(plugin::Kind::compressor, name), config);
}

inline std::string compress(plugin::Compressor& c, const std::string& raw) {
  stream::StringWriter out;
  auto writer = c.compress_into(out);
  writer->write({reinterpret_cast<const uint8_t*>(raw.data()), raw.size()});
  writer->finish();
  return out.text();
}

inline std::string decompress(plugin::Compressor& c, const std::string& packed) {
  stream::SpanReader in({reinterpret_cast<const uint8_t*>(packed.data()), packed.size()});
  auto reader = c.decompress_from(in);
  stream::StringWriter out;
  stream::copy(*reader, out);
  return out.text();
}

// Deterministic, moderately compressible bytes resembling JSON objects.
inline std::string sample_json(size_t size) {
  std::string out;
  out.reserve(size + 128);
  uint32_t state = 12345;
  while (out.size() < size) {
    state = state * 1103515245U + 12345U;
    out += R"({"kind":"Pod","metadata":{"name":"web-)" + std::to_string(state % 100000) +
           R"(","namespace":"default","uid":")" + std::to_string(state) + R"("}})" + "\n";
  }
  out.resize(size);
  return out;
}

}  // namespace cke::test
