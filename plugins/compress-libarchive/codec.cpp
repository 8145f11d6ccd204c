#include "codec.hpp"

#include <nlohmann/json.hpp>

#include "cke/sdk/error.hpp"

namespace cke::plugins::compress {
namespace {

struct LevelRange {
  int low;
  int high;
  int fallback;
};

LevelRange level_range(Codec codec) {
  switch (codec) {
    case Codec::gzip: return {1, 9, 6};
    case Codec::zstd: return {1, 19, 3};
    // xz's default level 6 costs ~97 MiB and minutes per GiB here; level 1 keeps a backup fast.
    case Codec::xz: return {0, 9, 1};
  }
  return {0, 0, 0};
}

[[noreturn]] void invalid(const std::string& message) {
  throw sdk::Error(CKE_INVALID_ARGUMENT, message);
}

}  // namespace

const char* codec_name(Codec codec) noexcept {
  switch (codec) {
    case Codec::gzip: return "gzip";
    case Codec::zstd: return "zstd";
    case Codec::xz: return "xz";
  }
  return "?";
}

CodecSettings parse_settings(Codec codec, std::string_view config_json) {
  const std::string name = codec_name(codec);
  const auto range = level_range(codec);
  CodecSettings settings{codec, range.fallback, 0};
  nlohmann::json config;
  try {
    config = config_json.empty() ? nlohmann::json::object() : nlohmann::json::parse(config_json);
  } catch (const nlohmann::json::exception& e) {
    invalid(name + " configuration is not valid JSON: " + e.what());
  }
  if (!config.is_object()) {
    invalid(name + " configuration must be a JSON object");
  }
  for (const auto& [key, value] : config.items()) {
    if (key == "level") {
      if (!value.is_number_integer() || value.get<int>() < range.low ||
          value.get<int>() > range.high) {
        invalid(name + " configuration: level: expected an integer from " +
                std::to_string(range.low) + " to " + std::to_string(range.high) + ", got " +
                value.dump());
      }
      settings.level = value.get<int>();
    } else if (key == "threads" && codec == Codec::zstd) {
      if (!value.is_number_integer() || value.get<int>() < 0 || value.get<int>() > 64) {
        invalid(name + " configuration: threads: expected an integer from 0 to 64, got " +
                value.dump());
      }
      settings.threads = value.get<int>();
    } else {
      invalid(name + " configuration: unknown key \"" + key + "\"");
    }
  }
  return settings;
}

}  // namespace cke::plugins::compress
