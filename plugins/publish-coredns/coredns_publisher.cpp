// The coredns publisher: the member endpoints as DNS records that CoreDNS (or another DNS server)
// serves, in one of two forms:
// - "zone-file": an RFC 1035 zone file for CoreDNS's `file` plugin (which reloads it when its SOA
//   serial grows) or any server that loads zone files, replaced atomically as a whole. cke owns the
//   whole file: it refuses to replace, and never removes, a file it did not write.
// - "rfc2136": dynamic updates signed with TSIG to the zone's primary (BIND, Knot), changing only
//   the names cke owns, in one atomic UPDATE per change.
// - "etcd": SkyDNS messages in an etcd for CoreDNS's `etcd` plugin (skydns.hpp), changed in one
//   transaction per change, only the keys cke owns.
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

#include "cke/sdk/plugin.hpp"
#include "core/common/atomic_file.hpp"
#include "core/common/error.hpp"
#include "core/common/text_file.hpp"
#include "dns_update.hpp"
#include "etcd_kv.hpp"
#include "skydns.hpp"
#include "zone_file.hpp"

namespace fs = std::filesystem;

namespace cke::plugins::coredns {
namespace {

constexpr const char* kSchema = R"({"type":"object","additionalProperties":false,
"required":["format"],"properties":{
"format":{"enum":["zone-file","rfc2136","etcd"]},
"zone":{"type":"string","description":"the zone's origin; default the cluster domain"},
"ttl":{"type":"integer","minimum":1,"maximum":86400,"default":30},
"file":{"type":"string","description":"zone-file: absolute path of the zone file"},
"nameserver":{"type":"string","default":"localhost","description":"zone-file: the NS target"},
"server":{"type":"string","description":"rfc2136: the primary's IP address"},
"port":{"type":"integer","minimum":1,"maximum":65535,"default":53},
"tsig":{"type":"object","additionalProperties":false,"required":["name","secret_file"],
 "properties":{"name":{"type":"string"},"algorithm":{"type":"string","default":"hmac-sha256"},
 "secret_file":{"type":"string","description":"a file, mode 0600, holding the base64 secret"}}},
"endpoints":{"type":"array","items":{"type":"string"},"description":"etcd: the etcd's client URLs"},
"path":{"type":"string","default":"/skydns","description":"etcd: CoreDNS's etcd path"},
"ca_file":{"type":"string","description":"etcd: the CA of the etcd's server certificates"},
"cert_file":{"type":"string","description":"etcd: the client certificate, whose CN is the user"},
"key_file":{"type":"string","description":"etcd: its private key, mode 0600"}}})";

[[noreturn]] void fail(const std::string& why) {
  throw sdk::Error(CKE_INVALID_ARGUMENT, "coredns publisher: " + why);
}

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

// The keys of `object` must be among `known`.
void check_keys(const nlohmann::json& object, const std::string& where,
                std::initializer_list<const char*> known) {
  for (const auto& [key, value] : object.items()) {
    if (std::none_of(known.begin(), known.end(), [&](const char* k) { return key == k; })) {
      std::string names;
      for (const char* k : known) {
        names += (names.empty() ? "" : ", ") + std::string(k);
      }
      fail("unknown key \"" + where + key + "\" (" + names + ")");
    }
  }
}

std::string text_of(const nlohmann::json& object, const char* key, const std::string& fallback) {
  if (!object.contains(key)) {
    return fallback;
  }
  if (!object[key].is_string()) {
    fail(std::string(key) + " must be a string");
  }
  return object[key].get<std::string>();
}

int64_t number_of(const nlohmann::json& object, const char* key, int64_t fallback, int64_t low,
                  int64_t high) {
  if (!object.contains(key)) {
    return fallback;
  }
  if (!object[key].is_number_integer() || object[key].get<int64_t>() < low ||
      object[key].get<int64_t>() > high) {
    fail(std::string(key) + " must be a whole number from " + std::to_string(low) + " to " +
         std::to_string(high));
  }
  return object[key].get<int64_t>();
}

// A file that only its owner may read (a secret or a private key): `key` names it in errors.
std::string read_private(const fs::path& file, const std::string& key) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) {
    fail("cannot read " + key + " " + file.string() + ": " + std::strerror(errno));
  }
  if ((st.st_mode & 077) != 0) {
    fail(key + " " + file.string() + " is readable by others; chmod 600 it");
  }
  return read_text_file(file).value_or("");
}

// A file anyone may read (a certificate), which must exist.
std::string read_public(const nlohmann::json& config, const char* key) {
  const fs::path file = text_of(config, key, "");
  if (file.empty() || !file.is_absolute()) {
    fail(std::string(key) + " must be an absolute path");
  }
  auto text = read_text_file(file);
  if (!text || text->empty()) {
    fail(std::string("cannot read ") + key + " " + file.string());
  }
  return *text;
}

// The TSIG secret from its file, which only its owner may read: it lets anyone who has it change
// the zone.
std::string read_secret(const fs::path& file) {
  std::string secret = read_private(file, "tsig.secret_file");
  secret.erase(std::remove_if(secret.begin(), secret.end(),
                              [](char c) { return c == '\n' || c == '\r' || c == ' '; }),
               secret.end());
  const bool base64 = !secret.empty() && std::all_of(secret.begin(), secret.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '+' || c == '/' || c == '=';
  });
  if (!base64) {
    fail("tsig.secret_file " + file.string() + " does not hold a base64 secret");
  }
  return secret;
}

class CorednsPublisher final : public sdk::Publisher {
 public:
  explicit CorednsPublisher(std::string_view config_json) {
    const auto config = nlohmann::json::parse(config_json, nullptr, false);
    if (!config.is_object()) {
      fail("the configuration is not a JSON object");
    }
    format_ = text_of(config, "format", "");
    if (format_ != "zone-file" && format_ != "rfc2136" && format_ != "etcd") {
      fail("format must be \"zone-file\", \"rfc2136\" or \"etcd\", got \"" + format_ + "\"");
    }
    options_.zone = text_of(config, "zone", "");
    options_.ttl = static_cast<uint32_t>(number_of(config, "ttl", 30, 1, 86400));
    if (!options_.zone.empty() && !plain_dns_name(options_.zone)) {
      fail("zone \"" + options_.zone + "\" is not a DNS name (no final dot)");
    }
    if (format_ == "zone-file") {
      check_keys(config, "", {"format", "zone", "ttl", "file", "nameserver"});
      file_ = text_of(config, "file", "");
      if (file_.empty() || !file_.is_absolute() || file_.filename().empty()) {
        fail("file must be an absolute path to the zone file, got \"" + file_.string() + "\"");
      }
      options_.nameserver = text_of(config, "nameserver", "localhost");
      if (!plain_dns_name(options_.nameserver)) {
        fail("nameserver \"" + options_.nameserver + "\" is not a DNS name (no final dot)");
      }
      return;
    }
    if (format_ == "etcd") {
      configure_etcd(config);
      return;
    }
    check_keys(config, "", {"format", "zone", "ttl", "server", "port", "tsig"});
    server_.address = text_of(config, "server", "");
    if (server_.address.empty()) {
      fail("server (the IP address of the zone's primary) is required with format rfc2136");
    }
    server_.port = static_cast<uint16_t>(number_of(config, "port", 53, 1, 65535));
    if (config.contains("tsig")) {
      const auto& tsig = config["tsig"];
      if (!tsig.is_object()) {
        fail("tsig must be an object with name, algorithm and secret_file");
      }
      check_keys(tsig, "tsig.", {"name", "algorithm", "secret_file"});
      server_.key.name = text_of(tsig, "name", "");
      server_.key.algorithm = text_of(tsig, "algorithm", "hmac-sha256");
      if (!plain_dns_name(server_.key.name)) {
        fail("tsig.name \"" + server_.key.name + "\" is not a key name");
      }
      if (!plain_dns_name(server_.key.algorithm)) {
        fail("tsig.algorithm \"" + server_.key.algorithm + "\" is not an algorithm name");
      }
      const fs::path secret_file = text_of(tsig, "secret_file", "");
      if (secret_file.empty() || !secret_file.is_absolute()) {
        fail("tsig.secret_file must be an absolute path");
      }
      server_.key.secret = read_secret(secret_file);
    }
  }

  void publish(const sdk::EndpointSet& set) override {
    if (format_ == "etcd") {
      replace_skydns(set, skydns_records(set, skydns_));
      return;
    }
    ZoneOptions options = options_;
    if (options.zone.empty()) {
      options.zone = set.cluster_domain;
    }
    const std::string records = zone_records(set, options);
    if (format_ == "rfc2136") {
      update(set, options, &records);
      return;
    }
    std::optional<uint32_t> previous;
    if (const auto existing = read_text_file(file_)) {
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

  void withdraw(const sdk::EndpointSet& set) override {
    if (format_ == "etcd") {
      replace_skydns(set, {});
      return;
    }
    if (format_ == "rfc2136") {
      ZoneOptions options = options_;
      if (options.zone.empty()) {
        options.zone = set.cluster_domain;
      }
      update(set, options, nullptr);
      return;
    }
    const auto existing = read_text_file(file_);
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
  void configure_etcd(const nlohmann::json& config) {
    check_keys(config, "",
               {"format", "ttl", "endpoints", "path", "ca_file", "cert_file", "key_file"});
    skydns_.ttl = options_.ttl;
    skydns_.path = text_of(config, "path", "/skydns");
    if (!skydns_.path.starts_with("/") || skydns_.path.size() < 2 || skydns_.path.ends_with("/")) {
      fail("path must start with / and not end with one, got \"" + skydns_.path + "\"");
    }
    EtcdAccess access;
    if (!config.contains("endpoints") || !config["endpoints"].is_array() ||
        config["endpoints"].empty()) {
      fail(
          "endpoints (the etcd's client URLs, e.g. [\"https://10.0.0.1:2379\"]) is required with "
          "format etcd");
    }
    for (const auto& endpoint : config["endpoints"]) {
      if (!endpoint.is_string() || endpoint.get<std::string>().empty()) {
        fail("endpoints must be a list of URLs");
      }
      access.endpoints.push_back(endpoint.get<std::string>());
    }
    access.ca_pem = read_public(config, "ca_file");
    access.cert_pem = read_public(config, "cert_file");
    const fs::path key_file = text_of(config, "key_file", "");
    if (key_file.empty() || !key_file.is_absolute()) {
      fail("key_file must be an absolute path");
    }
    access.key_pem = read_private(key_file, "key_file");
    etcd_.emplace(std::move(access));
  }

  // Makes cke's keys say `desired` in one transaction; refuses to overwrite a key it does not own.
  void replace_skydns(const sdk::EndpointSet& set,
                      const std::map<std::string, std::string>& desired) {
    std::map<std::string, std::string> existing;
    for (const auto& prefix : skydns_prefixes(set, skydns_)) {
      existing.merge(etcd_->range_prefix(prefix));
    }
    const auto owned = skydns_owned(existing, set, skydns_);
    for (const auto& [key, value] : desired) {
      if (existing.contains(key) && !owned.contains(key)) {
        throw sdk::Error(
            CKE_FAILED_PRECONDITION,
            "the etcd key " + key + " exists and is not cke's: refusing to replace it");
      }
    }
    const auto change = skydns_change(owned, desired);
    etcd_->apply(change.deletes, change.puts);
  }

  // One UPDATE: deletes what cke owns (the names of `set` and those the zone's ownership record
  // lists), then adds `records` and the new ownership record; with no records, only deletes.
  void update(const sdk::EndpointSet& set, const ZoneOptions& options, const std::string* records) {
    DnsServer server = server_;
    server.zone = options.zone;
    const auto previous = owned_labels(query_txt(server, ownership_name(set)));
    std::vector<std::string> adds;
    if (records != nullptr) {
      std::istringstream lines(*records);
      for (std::string line; std::getline(lines, line);) {
        adds.push_back(line);
      }
      adds.push_back(ownership_record(set, options.ttl));
    }
    send_update(server, owned_rrsets(set, previous), adds);
  }

  void write(const std::string& text) const {
    try {
      // Readable by the DNS server's user: a zone file holds nothing secret.
      write_file_atomically(file_, text, 0644);
    } catch (const cke::Error& e) {
      throw sdk::Error(e.code(), e.what());
    }
  }

  std::string format_;
  ZoneOptions options_;
  fs::path file_;               // zone-file
  DnsServer server_;            // rfc2136
  SkydnsOptions skydns_;        // etcd
  std::optional<EtcdKv> etcd_;  // etcd
};

}  // namespace
}  // namespace cke::plugins::coredns

CKE_PLUGINS(cke::sdk::publisher_plugin<cke::plugins::coredns::CorednsPublisher>(
    {"coredns", "1.0.0",
     "member endpoints as DNS records for CoreDNS and other DNS servers (a zone file, RFC 2136 "
     "updates, or SkyDNS records in an etcd)",
     cke::plugins::coredns::kSchema}))
