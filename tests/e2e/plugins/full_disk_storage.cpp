// TEST DOUBLE: a storage target whose disk fills up. Objects are files in one directory, as with
// the `local` storage, but the directory holds at most `capacity_bytes` in all: a put that would
// pass it fails with "No space left on device" the way a full filesystem does, after writing what
// fitted. e2e.backup fills it up always, and a real 1 MiB tmpfs too where it can mount one.
// Configuration: {"dir": ABSOLUTE_PATH, "capacity_bytes": N}.
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cke/sdk/plugin.hpp"

namespace fs = std::filesystem;

namespace {

class FullDiskStorage final : public cke::sdk::Storage {
 public:
  explicit FullDiskStorage(std::string_view config) {
    const auto json = nlohmann::json::parse(config);
    dir_ = json.at("dir").get<std::string>();
    capacity_ = json.at("capacity_bytes").get<uint64_t>();
    fs::create_directories(dir_);
  }

  void put(const std::string& key, cke::sdk::Reader& source) override {
    uint64_t used = 0;
    for (const auto& entry : fs::directory_iterator(dir_)) {
      used += entry.file_size();
    }
    const fs::path partial = dir_ / ("." + key + ".partial");
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    std::vector<uint8_t> buf(64 * 1024);
    while (const size_t n = source.read(buf)) {
      const uint64_t room = used < capacity_ ? capacity_ - used : 0;
      const size_t fits = static_cast<size_t>(std::min<uint64_t>(n, room));
      out.write(reinterpret_cast<const char*>(buf.data()), static_cast<std::streamsize>(fits));
      used += fits;
      if (fits < n) {
        out.close();
        fs::remove(partial);  // as the local storage does with a put that fails
        throw cke::sdk::Error(CKE_RESOURCE_EXHAUSTED,
                              "cannot write " + partial.string() + ": No space left on device");
      }
    }
    out.close();
    fs::rename(partial, dir_ / key);
  }

  void get(const std::string& key, cke::sdk::Writer& sink) override {
    std::ifstream in(existing(key), std::ios::binary);
    std::vector<uint8_t> buf(64 * 1024);
    while (in.read(reinterpret_cast<char*>(buf.data()), static_cast<std::streamsize>(buf.size())) ||
           in.gcount() > 0) {
      sink.write({buf.data(), static_cast<size_t>(in.gcount())});
    }
  }

  cke::sdk::ObjectInfo stat(const std::string& key) override {
    return {key, fs::file_size(existing(key)), 0};
  }

  void remove(const std::string& key) override { fs::remove(existing(key)); }

  void list(const std::string& prefix,
            const std::function<bool(const cke::sdk::ObjectInfo&)>& each) override {
    for (const auto& entry : fs::directory_iterator(dir_)) {
      const std::string name = entry.path().filename().string();
      if (name.front() != '.' && name.starts_with(prefix) && !each({name, entry.file_size(), 0})) {
        return;
      }
    }
  }

 private:
  fs::path existing(const std::string& key) const {
    const fs::path path = dir_ / key;
    if (!fs::exists(path)) {
      throw cke::sdk::Error(CKE_NOT_FOUND, "no object " + key);
    }
    return path;
  }

  fs::path dir_;
  uint64_t capacity_ = 0;
};

}  // namespace

CKE_PLUGINS(cke::sdk::storage_plugin<FullDiskStorage>(
    {"test-full-disk", "0.1.0", "test double: a directory that fills up at a byte budget"}))
