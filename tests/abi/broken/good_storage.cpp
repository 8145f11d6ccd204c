// A well-formed plugin beside the broken ones: an in-memory storage target written with the
// C++ SDK, proving that good plugins load whatever their neighbours do.
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "cke/sdk/plugin.hpp"

namespace {

class MemoryStorage final : public cke::sdk::Storage {
 public:
  explicit MemoryStorage(std::string_view /*config*/) {}

  void put(const std::string& key, cke::sdk::Reader& source) override {
    std::vector<uint8_t> data;
    std::vector<uint8_t> buf(4096);
    while (const size_t n = source.read(buf)) {
      data.insert(data.end(), buf.begin(), buf.begin() + static_cast<long>(n));
    }
    const std::lock_guard lock(mutex_);
    objects_[key] = std::move(data);
  }
  void get(const std::string& key, cke::sdk::Writer& sink) override {
    const std::lock_guard lock(mutex_);
    sink.write(find(key));
  }
  cke::sdk::ObjectInfo stat(const std::string& key) override {
    const std::lock_guard lock(mutex_);
    return {key, find(key).size(), 0};
  }
  void remove(const std::string& key) override {
    const std::lock_guard lock(mutex_);
    find(key);
    objects_.erase(key);
  }
  void list(const std::string& prefix,
            const std::function<bool(const cke::sdk::ObjectInfo&)>& each) override {
    const std::lock_guard lock(mutex_);
    for (const auto& [key, data] : objects_) {
      if (key.rfind(prefix, 0) == 0 && !each({key, data.size(), 0})) {
        return;
      }
    }
  }

 private:
  const std::vector<uint8_t>& find(const std::string& key) {
    const auto it = objects_.find(key);
    if (it == objects_.end()) {
      throw cke::sdk::Error(CKE_NOT_FOUND, "no object " + key);
    }
    return it->second;
  }

  std::mutex mutex_;
  std::map<std::string, std::vector<uint8_t>> objects_;
};

}  // namespace

CKE_PLUGINS(cke::sdk::storage_plugin<MemoryStorage>({"test-memory", "1.0",
                                                     "in-memory test storage"}))
