// TEST DOUBLE: the real `local` storage on a disk that fills up. Every call goes to the `local`
// storage's own code, but the directory holds at most `capacity_bytes` in all: a put that would
// pass it writes what fits, then its source fails with "No space left on device" the way a full
// filesystem's write does, and the `local` storage's own failure path cleans up. e2e.backup fills
// it up always, and a real 1 MiB tmpfs too where it can mount one.
// Configuration: {"dir": ABSOLUTE_PATH, "capacity_bytes": N}.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>

#include "cke/sdk/plugin.hpp"
#include "plugins/storage-fs/fs_storage.hpp"

namespace {

using LocalStorage = cke::plugins::storage_fs::FsStorage<false>;

// A put's source that passes `room` bytes through and then fails as a full disk does.
class Budgeted {
 public:
  Budgeted(cke::sdk::Reader& source, uint64_t room, std::string where)
      : source_(source), room_(room), where_(std::move(where)) {}

  [[nodiscard]] cke::sdk::Reader reader() {
    return cke::sdk::Reader({sizeof(cke_reader), this, &read});
  }

 private:
  static int64_t read(void* ctx, uint8_t* buf, size_t capacity, cke_error* err) {
    auto& self = *static_cast<Budgeted*>(ctx);
    size_t n = 0;
    const int32_t status = cke::sdk::detail::barrier(err, [&] { n = self.next({buf, capacity}); });
    return status == CKE_OK ? static_cast<int64_t>(n) : -status;
  }

  size_t next(std::span<uint8_t> buf) {
    // With no room left, one more byte of data (rather than the end) is what does not fit.
    const size_t n =
        source_.read(buf.first(std::max<size_t>(1, std::min<uint64_t>(buf.size(), room_))));
    if (n > room_) {
      throw cke::sdk::Error(CKE_RESOURCE_EXHAUSTED,
                            "cannot write " + where_ + ": No space left on device");
    }
    room_ -= n;
    return n;
  }

  cke::sdk::Reader& source_;
  uint64_t room_;
  std::string where_;
};

class FullDiskStorage final : public cke::sdk::Storage {
 public:
  explicit FullDiskStorage(std::string_view config)
      : FullDiskStorage(nlohmann::json::parse(config)) {}

  void put(const std::string& key, cke::sdk::Reader& source) override {
    uint64_t used = 0;
    local_.list("", [&](const cke::sdk::ObjectInfo& object) {
      used += object.size;
      return true;
    });
    Budgeted budgeted(source, used < capacity_ ? capacity_ - used : 0, dir_ + "/" + key);
    auto within_budget = budgeted.reader();
    local_.put(key, within_budget);
  }

  void get(const std::string& key, cke::sdk::Writer& sink) override { local_.get(key, sink); }
  cke::sdk::ObjectInfo stat(const std::string& key) override { return local_.stat(key); }
  void remove(const std::string& key) override { local_.remove(key); }
  void list(const std::string& prefix,
            const std::function<bool(const cke::sdk::ObjectInfo&)>& each) override {
    local_.list(prefix, each);
  }

 private:
  explicit FullDiskStorage(const nlohmann::json& config)
      : dir_(config.at("dir").get<std::string>()),
        capacity_(config.at("capacity_bytes").get<uint64_t>()),
        local_(nlohmann::json{{"dir", dir_}}.dump()) {}

  std::string dir_;
  uint64_t capacity_;
  LocalStorage local_;
};

}  // namespace

CKE_PLUGINS(cke::sdk::storage_plugin<FullDiskStorage>(
    {"test-full-disk", "0.1.0", "test double: the local storage on a disk that fills up"}))
