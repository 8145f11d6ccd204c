#include "core/state/ca_sync.hpp"

#include <spdlog/spdlog.h>

#include <map>
#include <regex>

#include "core/common/atomic_file.hpp"
#include "core/common/error.hpp"
#include "core/common/text_file.hpp"

namespace cke::state {
namespace {

namespace fs = std::filesystem;

// The names a CA file may have: they become paths, so nothing else is written.
bool is_ca_file(const std::string& name) {
  static const std::regex valid("[a-z][a-z0-9-]{0,31}-ca\\.(crt|key)");
  return std::regex_match(name, valid);
}

std::map<std::string, std::string> stored_cas(StateEtcd& etcd) {
  const std::string prefix = etcd.key("pki/");
  const auto response =
      etcd.call([&](etcd::Client& c) { return c.range(prefix, etcd::prefix_end(prefix)); });
  std::map<std::string, std::string> files;
  for (const auto& kv : response.kvs()) {
    const std::string name = kv.key().substr(prefix.size());
    if (!is_ca_file(name)) {
      throw Error("the state etcd's " + kv.key() + ": not a CA file name (NAME-ca.crt or .key)",
                  CKE_DATA_LOSS);
    }
    files[name] = kv.value();
  }
  return files;
}

std::map<std::string, std::string> local_cas(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && is_ca_file(name)) {
      files[name] = read_text_file(entry.path()).value_or("");
    }
  }
  return files;
}

void write_cas(const fs::path& dir, const std::map<std::string, std::string>& files) {
  ensure_private_dir(dir);
  for (const auto& [name, text] : files) {
    write_file_atomically(dir / name, text, name.ends_with(".key") ? 0600 : 0644);
  }
}

// One transaction: every file, and only if none of them is there yet.
bool upload_if_absent(StateEtcd& etcd, const std::map<std::string, std::string>& files) {
  etcdserverpb::TxnRequest txn;
  for (const auto& [name, text] : files) {
    *txn.add_compare() = created_at(etcd.key("pki/" + name), 0);
    *txn.add_success() = put_op(etcd.key("pki/" + name), text);
  }
  return etcd.call([&](etcd::Client& c) { return c.txn(txn); }).succeeded();
}

}  // namespace

void sync_ca_directory(StateEtcd& etcd, const fs::path& dir,
                       const std::function<void()>& make_cas) {
  const auto stored = stored_cas(etcd);
  write_cas(dir, stored);
  // A CA the state etcd lacks (the api CA, when the first cke never served TCP) is made here
  // and stored unless another cke stored its own first.
  make_cas();
  std::map<std::string, std::string> missing;
  for (auto& [name, text] : local_cas(dir)) {
    if (!stored.contains(name)) {
      missing.emplace(name, std::move(text));
    }
  }
  if (missing.empty()) {
    return;
  }
  if (upload_if_absent(etcd, missing)) {
    spdlog::info("stored {} CA files of {} in the state etcd", missing.size(), dir.string());
    return;
  }
  write_cas(dir, stored_cas(etcd));  // another cke was first: its CAs are the ones
}

std::map<std::string, std::string> read_ca_directory(const fs::path& dir) { return local_cas(dir); }

}  // namespace cke::state
