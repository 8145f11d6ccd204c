// The `cfssl` certificate backend: certificates signed by CFSSL servers (`cfssl serve`), one per
// CA cke uses (server, peer, client, and api with --listen). Keys are made here and never leave
// cke: a CSR goes to the server's authenticated endpoint (`/api/v1/cfssl/authsign`, HMAC-SHA-256
// with the profile's auth key), over HTTPS only, since the CA certificates come from the same
// server. CFSSL decides a certificate's lifetime by the profile, so each CA names its profiles
// and cke picks, for each request, the longest-lived profile that fits the usages and does not
// outlive the TTL asked for; a request that no profile fits is refused with what to configure.
// Revocation lists cannot be signed through CFSSL's API: ckecli etcd cert revoke is unavailable.
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cke/sdk/plugin.hpp"
#include "core/common/base64.hpp"
#include "kube_client.hpp"
#include "x509_builder.hpp"

namespace cke::plugins::cfssl {
namespace {

using local_ca::KeyPtr;
using nlohmann::json;

constexpr const char* kSchema = R"({"type":"object","required":["cas"],"properties":{
"url":{"type":"string","description":"https://HOST:PORT of the CFSSL server, for every CA that names none"},
"ca_file":{"type":"string","description":"PEM CA certificate that verifies the CFSSL servers' TLS certificates"},
"auth_key_file":{"type":"string","description":"file holding the profiles' auth key (hex, as in CFSSL's auth_keys), for every CA that names none"},
"timeout_seconds":{"type":"integer","description":"per request; default 10"},
"cas":{"type":"object","description":"server, peer, client (and api with --listen): {url, auth_key_file, profiles: [NAME, ...]}"}}})";

[[noreturn]] void config_error(const std::string& why) {
  throw sdk::Error(CKE_INVALID_ARGUMENT, "cfssl backend: " + why);
}

std::string read_config_file(const std::string& path, const std::string& what) {
  std::ifstream in(path);
  if (!in) {
    config_error("cannot read " + what + " " + path);
  }
  std::stringstream text;
  text << in.rdbuf();
  std::string value = text.str();
  while (!value.empty() && (value.back() == '\n' || value.back() == ' ')) {
    value.pop_back();
  }
  return value;
}

// A Go duration as CFSSL's configuration writes it ("8760h", "1h30m", "90s").
int64_t go_duration_seconds(const std::string& text) {
  const auto unreadable = [&] {
    return sdk::Error(CKE_INTERNAL, "cannot read the CFSSL profile expiry \"" + text + "\"");
  };
  double total = 0;
  size_t at = 0;
  while (at < text.size()) {
    const size_t digits_end = text.find_first_not_of("0123456789.", at);
    if (digits_end == at || digits_end == std::string::npos) {
      throw unreadable();
    }
    const double value = std::strtod(text.substr(at, digits_end - at).c_str(), nullptr);
    const char unit = text[digits_end];
    const double scale = unit == 'h' ? 3600 : unit == 'm' ? 60 : unit == 's' ? 1 : 0;
    if (scale == 0) {
      throw unreadable();
    }
    total += value * scale;
    at = digits_end + 1;
  }
  if (total > 1e12) {  // far beyond any certificate; and the conversion below stays defined
    throw unreadable();
  }
  return static_cast<int64_t>(total);
}

std::vector<uint8_t> hex_decode(const std::string& hex) {
  std::vector<uint8_t> bytes;
  if (hex.size() % 2 != 0) {
    config_error("the auth key is not hex (an odd number of digits)");
  }
  if (hex.empty() || hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
    config_error("the auth key must be hex digits, as in CFSSL's auth_keys");
  }
  for (size_t i = 0; i < hex.size(); i += 2) {
    bytes.push_back(static_cast<uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return bytes;
}

struct Profile {
  std::string name;
  int64_t expiry_seconds = 0;
  uint32_t usages = 0;  // CKE_USAGE_* it gives
};

struct CaServer {
  std::string name;  // cke's CA name
  std::unique_ptr<kube::Client> http;
  std::vector<uint8_t> auth_key;
  std::vector<std::string> profile_names;
  // Asked on first use: the CA certificate and each profile's expiry and usages.
  std::string certificate;
  std::vector<Profile> profiles;
};

// A CSR for `key` with the request's subject; CFSSL takes the names from `hosts`.
std::string csr_pem(const sdk::CertRequest& request, EVP_PKEY* key) {
  std::unique_ptr<X509_REQ, decltype(&X509_REQ_free)> csr(X509_REQ_new(), X509_REQ_free);
  X509_NAME* name = X509_REQ_get_subject_name(csr.get());
  if (X509_NAME_add_entry_by_txt(
          name, "CN", MBSTRING_UTF8,
          reinterpret_cast<const unsigned char*>(request.common_name.c_str()), -1, -1, 0) != 1 ||
      X509_REQ_set_pubkey(csr.get(), key) != 1 ||
      X509_REQ_sign(csr.get(), key, EVP_sha256()) == 0) {
    throw sdk::Error(CKE_INTERNAL, "cannot make a certificate request for " + request.common_name);
  }
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  PEM_write_bio_X509_REQ(bio.get(), csr.get());
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return {data, static_cast<size_t>(size)};
}

class CfsslBackend final : public sdk::CertBackend {
 public:
  explicit CfsslBackend(std::string_view config_text) {
    const auto config = json::parse(config_text, nullptr, false);
    if (!config.is_object() || !config.contains("cas") || !config["cas"].is_object()) {
      config_error("the configuration needs \"cas\": {NAME: {url, auth_key_file, profiles}}");
    }
    const auto text = [](const json& object, const char* key, const std::string& fallback) {
      if (!object.contains(key)) {
        return fallback;
      }
      if (!object[key].is_string() || object[key].get<std::string>().empty()) {
        config_error(std::string(key) + " must be a non-empty string");
      }
      return object[key].get<std::string>();
    };
    const std::string ca_pem =
        config.contains("ca_file") ? read_config_file(text(config, "ca_file", ""), "ca_file") : "";
    for (const auto& [key, value] : config.items()) {
      if (key != "url" && key != "ca_file" && key != "auth_key_file" && key != "timeout_seconds" &&
          key != "cas") {
        config_error("unknown key \"" + key +
                     "\" (url, ca_file, auth_key_file, timeout_seconds, cas)");
      }
    }
    const json& seconds = config.contains("timeout_seconds") ? config["timeout_seconds"] : json(10);
    if (!seconds.is_number_integer() || seconds.get<int64_t>() < 1 ||
        seconds.get<int64_t>() > 300) {
      config_error("timeout_seconds must be an integer from 1 to 300");
    }
    const auto timeout = std::chrono::seconds(seconds.get<int64_t>());
    for (const auto& [ca_name, entry] : config["cas"].items()) {
      if (!entry.is_object()) {
        config_error("cas." + ca_name + " must be an object {url, auth_key_file, profiles}");
      }
      const std::string url = text(entry, "url", text(config, "url", ""));
      const std::string key_file = text(entry, "auth_key_file", text(config, "auth_key_file", ""));
      if (url.rfind("https://", 0) != 0) {
        config_error("cas." + ca_name +
                     ".url must be https://HOST:PORT (the CA certificates come "
                     "from it), got \"" +
                     url + "\"");
      }
      if (key_file.empty()) {
        config_error("cas." + ca_name + " needs an auth_key_file");
      }
      if (!entry.contains("profiles") || !entry["profiles"].is_array() ||
          entry["profiles"].empty()) {
        config_error("cas." + ca_name + ".profiles must list the CFSSL profiles to sign with");
      }
      CaServer server;
      server.name = ca_name;
      kube::Credentials credentials;
      credentials.server = url;
      credentials.ca_pem = ca_pem;
      server.http = std::make_unique<kube::Client>(credentials, timeout);
      server.auth_key = hex_decode(read_config_file(key_file, "auth_key_file"));
      for (const auto& profile : entry["profiles"]) {
        if (!profile.is_string() || profile.get<std::string>().empty()) {
          config_error("cas." + ca_name + ".profiles must list profile names");
        }
        server.profile_names.push_back(profile.get<std::string>());
      }
      servers_.emplace(ca_name, std::move(server));
    }
  }

  std::string ca_certificate(const std::string& ca_name) override {
    const std::lock_guard lock(mutex_);
    return learned(ca_name).certificate;
  }

  sdk::IssuedCert issue(const sdk::CertRequest& request) override {
    Profile profile;
    CaServer* server = nullptr;
    {
      const std::lock_guard lock(mutex_);
      server = &learned(request.ca_name);
      profile = choose(*server, request);
    }
    const KeyPtr key = local_ca::generate_key(request.key_type);
    json hosts = json::array();
    for (const auto& h : request.dns_names) {
      hosts.push_back(h);
    }
    for (const auto& h : request.ip_addresses) {
      hosts.push_back(h);
    }
    const std::string sign_request = json{
        {"certificate_request", csr_pem(request, key.get())},
        {"hosts", hosts},
        {"profile", profile.name},
        {"subject",
         {{"CN", request.common_name}}}}.dump();
    const auto answer = call(*server, "/api/v1/cfssl/authsign",
                             {{"token", base64_encode(hmac(server->auth_key, sign_request))},
                              {"request", base64_encode(sign_request)}});
    const std::string certificate = answer.value("certificate", "");
    if (certificate.empty()) {
      throw sdk::Error(CKE_INTERNAL,
                       "CFSSL for the " + request.ca_name + " CA answered without a certificate");
    }
    return {certificate, local_ca::private_key_pem(key.get())};
  }

 private:
  static std::string hmac(const std::vector<uint8_t>& key, const std::string& message) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &size);
    return {reinterpret_cast<const char*>(digest), size};
  }

  // POSTs `body`; returns CFSSL's "result", or throws with the server's own message.
  static json call(CaServer& server, const std::string& path, const json& body) {
    const auto response = server.http->request("POST", path, body);
    if (response.status == 200 && response.body.value("success", false) &&
        response.body.contains("result")) {
      return response.body["result"];
    }
    std::string why = "HTTP " + std::to_string(response.status);
    if (response.body.contains("errors") && response.body["errors"].is_array() &&
        !response.body["errors"].empty()) {
      why = response.body["errors"][0].value("message", why);
    }
    if (why == "invalid token") {
      why +=
          ": the auth key in the auth_key_file differs from the profile's auth key on the "
          "server";
    }
    throw sdk::Error(
        response.status == 400 || response.status == 401 ? CKE_PERMISSION_DENIED : CKE_UNAVAILABLE,
        "CFSSL at " + server.http->server() + " (" + server.name + " CA) refused " + path + ": " +
            why);
  }

  CaServer& learned(const std::string& ca_name) {
    const auto found = servers_.find(ca_name);
    if (found == servers_.end()) {
      throw sdk::Error(CKE_NOT_FOUND, "cfssl backend: no CFSSL server is configured for the " +
                                          ca_name + " CA (add cas." + ca_name + ")");
    }
    CaServer& server = found->second;
    if (server.profiles.empty()) {
      for (const auto& name : server.profile_names) {
        const auto info = call(server, "/api/v1/cfssl/info", {{"profile", name}});
        Profile profile{name, go_duration_seconds(info.value("expiry", "0s")), 0};
        for (const auto& usage : info.value("usages", json::array())) {
          profile.usages |= usage == "server auth"   ? CKE_USAGE_SERVER_AUTH
                            : usage == "client auth" ? CKE_USAGE_CLIENT_AUTH
                                                     : 0U;
        }
        server.certificate = info.value("certificate", "");
        server.profiles.push_back(profile);
      }
    }
    return server;
  }

  // The longest-lived profile that gives the usages and does not outlive the TTL asked for.
  static Profile choose(const CaServer& server, const sdk::CertRequest& request) {
    const Profile* best = nullptr;
    for (const auto& p : server.profiles) {
      if ((p.usages & request.usages) == request.usages &&
          p.expiry_seconds <= request.ttl_seconds && p.expiry_seconds > 0 &&
          (best == nullptr || p.expiry_seconds > best->expiry_seconds)) {
        best = &p;
      }
    }
    if (best == nullptr) {
      throw sdk::Error(
          CKE_FAILED_PRECONDITION,
          "no CFSSL profile of the " + server.name + " CA gives " +
              (request.usages & CKE_USAGE_SERVER_AUTH ? "server auth" : "") +
              (request.usages == (CKE_USAGE_SERVER_AUTH | CKE_USAGE_CLIENT_AUTH) ? " and " : "") +
              (request.usages & CKE_USAGE_CLIENT_AUTH ? "client auth" : "") +
              " with an expiry of at most " + std::to_string(request.ttl_seconds) + " s (for " +
              request.common_name + "): add such a profile to the server and to cas." +
              server.name + ".profiles");
    }
    return *best;
  }

  std::mutex mutex_;
  std::map<std::string, CaServer> servers_;
};

}  // namespace
}  // namespace cke::plugins::cfssl

CKE_PLUGINS(cke::sdk::cert_backend_plugin<cke::plugins::cfssl::CfsslBackend>(
    {"cfssl", "1.0.0", "certificates signed by CFSSL servers (authsign, keys made here)",
     cke::plugins::cfssl::kSchema}))
