// The codecs this plugin group offers through libarchive's raw filters, and their settings.
#pragma once

#include <string>
#include <string_view>

namespace cke::plugins::compress {

enum class Codec { gzip, zstd, xz };

struct CodecSettings {
  Codec codec;
  int level;
  int threads;  // zstd only; 0 = libarchive's default (one)
};

// Parses the plugin configuration ({"level": N} and, for zstd, {"threads": N}); throws
// cke::sdk::Error(CKE_INVALID_ARGUMENT) naming the offending key and value.
CodecSettings parse_settings(Codec codec, std::string_view config_json);

const char* codec_name(Codec codec) noexcept;

}  // namespace cke::plugins::compress
