// The coredns publisher: the member endpoints as DNS records that CoreDNS serves. Format
// "zone-file": an RFC 1035 zone file for CoreDNS's `file` plugin (which reloads it when its SOA
// serial grows) or any server that loads zone files, replaced atomically as a whole. cke owns the
// whole file: it refuses to replace, and never removes, a file it did not write.
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cke/sdk/plugin.hpp"
#include "core/common/atomic_file.hpp"
#include "core/common/error.hpp"
#include "zone_file.hpp"

namespace fs = std::filesystem;

namespace cke::plugins::coredns {
namespace {

constexpr const char* kSchema = R"({"type":"object","additionalProperties":false,
"required":["format","file"],"properties":{
"format":{"enum":["zone-file"]},
"file":{"type":"string","description":"absolute path of the zone file"},
"zone":{"type":"string","description":"the zone's origin; default the cluster domain"},
"ttl":{"type":"integer","minimum":1,"maximum":86400,"default":30},
"nameserver":{"type":"string","default":"localhost","description":"the NS target"}}})";

// A DNS name as the configuration may give it: letters, digits, '-', '_' and dots; no final dot.
bool plain_dns_name(const std::string& name) {
  if (name.empty() || name.size() > 253 || name.front() == '.' || name.back() == '.' ||
      name.find("..") != std::string::npos) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

std::optional<std::string> read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class CorednsPublisher final : public sdk::Publisher {
 public:
  explicit CorednsPublisher(std::string_view config_json) {
    const auto config = nlohmann::json::parse(config_json, nullptr, false);
    if (!config.is_object()) {
      fail("the configuration is not a JSON object");
    }
    for (const auto& [key, value] : config.items()) {
      if (key != "format" && key != "file" && key != "zone" && key != "ttl" &&
          key != "nameserver") {
        fail("unknown key \"" + key + "\" (format, file, zone, ttl, nameserver)");
      }
    }
    const auto text = [&](const char* key, const std::string& fallback) {
      if (!config.contains(key)) {
        return fallback;
      }
      if (!config[key].is_string()) {
        fail(std::string(key) + " must be a string");
      }
      return config[key].get<std::string>();
    };
    if (const std::string format = text("format", ""); format != "zone-file") {
      fail("format must be \"zone-file\", got \"" + format + "\"");
    }
    file_ = text("file", "");
    if (file_.empty() || !file_.is_absolute() || file_.filename().empty()) {
      fail("file must be an absolute path to the zone file, got \"" + file_.string() + "\"");
    }
    options_.zone = text("zone", "");
    options_.nameserver = text("nameserver", "localhost");
    for (const auto* name : {&options_.zone, &options_.nameserver}) {
      if (!name->empty() && !plain_dns_name(*name)) {
        fail("\"" + *name + "\" is not a DNS name (letters, digits, -, _ and dots; no final dot)");
      }
    }
    if (config.contains("ttl")) {
      if (!config["ttl"].is_number_integer() || config["ttl"].get<int64_t>() < 1 ||
          config["ttl"].get<int64_t>() > 86400) {
        fail("ttl must be a whole number of seconds from 1 to 86400");
      }
      options_.ttl = config["ttl"].get<uint32_t>();
    }
  }

  void publish(const sdk::EndpointSet& set) override {
    ZoneOptions options = options_;
    if (options.zone.empty()) {
      options.zone = set.cluster_domain;
    }
    const std::string records = zone_records(set, options);
    std::optional<uint32_t> previous;
    if (const auto existing = read_text(file_)) {
      const auto written = read_written_zone(*existing);
      if (!written) {
        throw sdk::Error(CKE_FAILED_PRECONDITION,
                         file_.string() +
                             " exists and was not written by cke: refusing to replace it; "
                             "move it away or give the publisher another file");
      }
      if (written->records == records) {
        return;  // the same set: nothing to change, and the serial stays
      }
      previous = written->serial;
    }
    const auto now = static_cast<uint32_t>(std::time(nullptr));
    write(zone_file(records, options, next_serial(previous, now), set.cluster_name));
  }

  void withdraw(const sdk::EndpointSet& /*set*/) override {
    const auto existing = read_text(file_);
    if (!existing) {
      return;
    }
    if (!read_written_zone(*existing)) {
      throw sdk::Error(CKE_FAILED_PRECONDITION,
                       file_.string() + " was not written by cke: leaving it in place");
    }
    std::error_code ec;
    fs::remove(file_, ec);
    if (ec) {
      throw sdk::Error(CKE_UNAVAILABLE, "cannot remove " + file_.string() + ": " + ec.message());
    }
  }

 private:
  [[noreturn]] static void fail(const std::string& why) {
    throw sdk::Error(CKE_INVALID_ARGUMENT, "coredns publisher: " + why);
  }

  void write(const std::string& text) const {
    try {
      // Readable by the DNS server's user: a zone file holds nothing secret.
      write_file_atomically(file_, text, 0644);
    } catch (const cke::Error& e) {
      throw sdk::Error(e.code(), e.what());
    }
  }

  fs::path file_;
  ZoneOptions options_;
};

}  // namespace
}  // namespace cke::plugins::coredns

CKE_PLUGINS(cke::sdk::publisher_plugin<cke::plugins::coredns::CorednsPublisher>(
    {"coredns", "1.0.0", "member endpoints as DNS records for CoreDNS (an RFC 1035 zone file)",
     cke::plugins::coredns::kSchema}))
