#include "core/backup/manifest.hpp"

#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <type_traits>

#include "core/common/error.hpp"

namespace cke::backup {

std::string to_json(const Manifest& m) {
  const nlohmann::ordered_json j = {{"name", m.name},
                                    {"created_at", m.created_at},
                                    {"cluster_id", m.cluster_id},
                                    {"member", m.member},
                                    {"revision", m.revision},
                                    {"raw_size", m.raw_size},
                                    {"stored_size", m.stored_size},
                                    {"raw_sha256", m.raw_sha256},
                                    {"stored_sha256", m.stored_sha256},
                                    {"compressor", m.compressor},
                                    {"cke_version", m.cke_version}};
  return j.dump(2) + "\n";
}

namespace {

// A whole number that fits T. nlohmann's get<> converts a floating-point value (2e+28) to an
// integer type without a check, which is undefined behaviour (found by fuzz_manifest).
template <class T>
T whole_number(const nlohmann::json& j, const char* key) {
  const auto& value = j.at(key);
  const bool fits =
      std::is_unsigned_v<T>
          ? value.is_number_unsigned()
          : value.is_number_integer() &&
                (!value.is_number_unsigned() ||
                 value.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<T>::max()));
  if (!fits) {
    throw nlohmann::json::type_error::create(
        302, std::string(key) + " must be a whole number in range, got " + value.dump(), &value);
  }
  return value.get<T>();
}

}  // namespace

Manifest manifest_from_json(const std::string& text, const std::string& source) {
  try {
    const auto j = nlohmann::json::parse(text);
    Manifest m;
    m.name = j.at("name").get<std::string>();
    m.created_at = j.at("created_at").get<std::string>();
    m.cluster_id = j.value("cluster_id", "");
    m.member = j.value("member", "");
    m.revision = whole_number<int64_t>(j, "revision");
    m.raw_size = whole_number<uint64_t>(j, "raw_size");
    m.stored_size = whole_number<uint64_t>(j, "stored_size");
    m.raw_sha256 = j.at("raw_sha256").get<std::string>();
    m.stored_sha256 = j.at("stored_sha256").get<std::string>();
    m.compressor = j.at("compressor").get<std::string>();
    m.cke_version = j.value("cke_version", "");
    return m;
  } catch (const nlohmann::json::exception& e) {
    throw Error(source + ": not a backup manifest (" + e.what() + ")", CKE_DATA_LOSS);
  }
}

}  // namespace cke::backup
