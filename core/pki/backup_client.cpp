#include "core/pki/backup_client.hpp"

#include "core/common/atomic_file.hpp"
#include "core/common/text_file.hpp"

namespace cke::pki {
namespace {

constexpr const char* kCertFile = "tls.crt";
constexpr const char* kKeyFile = "tls.key";

}  // namespace

std::filesystem::path backup_client_dir(const std::filesystem::path& data_dir) {
  return data_dir / "etcdbackup";
}

void save_backup_client(const std::filesystem::path& data_dir,
                        const plugin::IssuedCertificate& issued) {
  const auto dir = backup_client_dir(data_dir);
  ensure_private_dir(dir);
  // The key first: a crash in between leaves a new key beside the old certificate, which the
  // next attempt replaces; never a certificate without its key.
  write_file_atomically(dir / kKeyFile, issued.private_key_pem, 0600);
  write_file_atomically(dir / kCertFile, issued.certificate_pem, 0600);
}

std::optional<plugin::IssuedCertificate> load_backup_client(const std::filesystem::path& data_dir) {
  const auto dir = backup_client_dir(data_dir);
  auto cert = read_text_file(dir / kCertFile);
  auto key = read_text_file(dir / kKeyFile);
  if (!cert || !key || cert->empty() || key->empty()) {
    return std::nullopt;
  }
  return plugin::IssuedCertificate{std::move(*cert), std::move(*key)};
}

}  // namespace cke::pki
