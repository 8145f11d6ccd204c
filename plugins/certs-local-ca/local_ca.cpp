// The local-ca certificate backend: CAs created on first use, kept as PEM files in the
// configured directory ({"dir": "/var/lib/cke/pki"}; keys 0600, directory 0700), certificates
// issued in process with OpenSSL.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "cke/sdk/plugin.hpp"
#include "core/common/atomic_file.hpp"
#include "core/common/error.hpp"
#include "core/common/unique_fd.hpp"
#include "x509_builder.hpp"

namespace fs = std::filesystem;

namespace cke::plugins::local_ca {
namespace {

constexpr int64_t kCaLifetimeSeconds = 10LL * 365 * 24 * 3600;

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Ca {
  X509Ptr cert;
  KeyPtr key;
  std::string cert_pem;
};

class LocalCa final : public sdk::CertBackend {
 public:
  explicit LocalCa(std::string_view config_json) {
    nlohmann::json config;
    try {
      config = nlohmann::json::parse(config_json);
    } catch (const nlohmann::json::exception& e) {
      throw sdk::Error(CKE_INVALID_ARGUMENT,
                       std::string("local-ca configuration is not JSON: ") + e.what());
    }
    if (!config.is_object() || !config.contains("dir") || !config["dir"].is_string() ||
        config["dir"].get<std::string>().empty() ||
        config["dir"].get<std::string>().front() != '/') {
      throw sdk::Error(CKE_INVALID_ARGUMENT,
                       "local-ca configuration needs {\"dir\": ABSOLUTE_PATH}");
    }
    dir_ = config["dir"].get<std::string>();
    try {
      ensure_private_dir(dir_);
    } catch (const cke::Error& e) {
      throw sdk::Error(e.code(), std::string("the CA directory: ") + e.what());
    }
  }

  std::string ca_certificate(const std::string& ca_name) override {
    const std::lock_guard lock(mutex_);
    return ca(ca_name).cert_pem;
  }

  sdk::IssuedCert issue(const sdk::CertRequest& request) override {
    if (request.common_name.empty()) {
      throw sdk::Error(CKE_INVALID_ARGUMENT, "a certificate needs a common name");
    }
    if (request.ttl_seconds <= 0) {
      throw sdk::Error(CKE_INVALID_ARGUMENT, "a certificate needs a positive TTL");
    }
    const KeyPtr key = generate_key(request.key_type);
    CertSpec spec{
        request.common_name,     request.dns_names,  request.ip_addresses, request.usages, false,
        request.not_before_unix, request.ttl_seconds};
    const std::lock_guard lock(mutex_);
    Ca& issuer = ca(request.ca_name);
    const X509Ptr cert = sign_certificate(spec, key.get(), issuer.cert.get(), issuer.key.get());
    return {certificate_pem(cert.get()), private_key_pem(key.get())};
  }

  std::string sign_crl(const std::string& ca_name, const std::vector<sdk::RevokedCert>& revoked,
                       int64_t this_update_unix, int64_t next_update_unix) override {
    std::vector<RevokedEntry> entries;
    for (const auto& r : revoked) {
      entries.push_back({r.serial_hex, r.revoked_at_unix});
    }
    const std::lock_guard lock(mutex_);
    Ca& issuer = ca(ca_name);
    return sign_crl_pem(issuer.cert.get(), issuer.key.get(), entries, this_update_unix,
                        next_update_unix);
  }

 private:
  // Loads the CA from its files, or creates it the first time it is asked for.
  Ca& ca(const std::string& name) {
    static const std::regex valid("[a-z][a-z0-9-]{0,31}");
    if (!std::regex_match(name, valid)) {
      throw sdk::Error(CKE_INVALID_ARGUMENT, "invalid CA name \"" + name + "\"");
    }
    if (auto it = cas_.find(name); it != cas_.end()) {
      return it->second;
    }
    const fs::path cert_file = dir_ / (name + "-ca.crt");
    const fs::path key_file = dir_ / (name + "-ca.key");
    // Another process on the same directory (cke --issue-admin-cert beside a running cke) must
    // not create a second CA of the same name at the same moment.
    const UniqueFd lock = lock_directory();
    const bool have_cert = fs::exists(cert_file);
    const bool have_key = fs::exists(key_file);
    if (have_cert && !have_key) {
      // A new CA would lock out everything the members trust: refuse, and say what to do.
      throw sdk::Error(CKE_FAILED_PRECONDITION,
                       "the " + name + " CA is incomplete: " + key_file.string() +
                           " is missing while " + cert_file.string() +
                           " exists; restore the key from a backup of the data directory (a "
                           "new CA would not be trusted by the running members)");
    }
    Ca ca;
    if (have_key) {
      ca.key = parse_private_key_pem(read_text(key_file));
    }
    if (have_cert) {
      ca.cert_pem = read_text(cert_file);
      ca.cert = parse_certificate_pem(ca.cert_pem);
    } else {
      if (!have_key) {
        ca.key = generate_key(CKE_KEY_ECDSA_P256);
        write_or_throw(key_file, private_key_pem(ca.key.get()), 0600);  // key first, as below
      }
      // A key without its certificate (a crash between the two writes, or a lost file): the
      // certificate is made again from the same key and subject, so everything signed by the
      // key, and every member that trusts the old certificate, still verifies.
      const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
      CertSpec spec{"cke " + name + " CA", {}, {}, 0, true, now - 3600, kCaLifetimeSeconds};
      ca.cert = sign_certificate(spec, ca.key.get(), nullptr, ca.key.get());
      ca.cert_pem = certificate_pem(ca.cert.get());
      write_or_throw(cert_file, ca.cert_pem, 0644);
      sdk::log(have_key ? CKE_LOG_WARN : CKE_LOG_INFO, "local-ca",
               (have_key ? "re-made the certificate of the " + name + " CA from its key in "
                         : "created the " + name + " CA in ") +
                   dir_.string());
    }
    return cas_.emplace(name, std::move(ca)).first->second;
  }

  static void write_or_throw(const fs::path& path, const std::string& text, mode_t mode) {
    try {
      write_file_atomically(path, text, mode);
    } catch (const cke::Error& e) {
      throw sdk::Error(e.code(), e.what());
    }
  }

  [[nodiscard]] UniqueFd lock_directory() const {
    const fs::path path = dir_ / ".ca.lock";
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!fd || ::flock(fd.get(), LOCK_EX) != 0) {
      throw sdk::Error(CKE_UNAVAILABLE, "cannot lock " + path.string());
    }
    return fd;
  }

  fs::path dir_;
  std::mutex mutex_;
  std::map<std::string, Ca> cas_;
};

}  // namespace
}  // namespace cke::plugins::local_ca

CKE_PLUGINS(cke::sdk::cert_backend_plugin<cke::plugins::local_ca::LocalCa>(
    {"local-ca", "1.0.0", "CAs kept in the state directory; certificates issued with OpenSSL",
     R"({"type":"object","properties":{"dir":{"type":"string"}},"required":["dir"],"additionalProperties":false})"}))
