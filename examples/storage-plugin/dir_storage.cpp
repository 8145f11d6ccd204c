// An example storage plugin: objects are files in one directory ({"path": "/some/dir"}).
// One class plus CKE_PLUGINS is the whole plugin; the SDK turns exceptions into statuses.
#include <fcntl.h>
#include <unistd.h>

#include <cke/sdk/plugin.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

class DirStorage final : public cke::sdk::Storage {
 public:
  // A real plugin would parse JSON properly; the example takes {"path": "..."} literally.
  explicit DirStorage(std::string_view config) {
    const auto start = config.find(":\"");
    const auto end = config.rfind('"');
    if (start == std::string_view::npos || end <= start + 2) {
      throw cke::sdk::Error(CKE_INVALID_ARGUMENT, "configuration needs {\"path\": \"DIR\"}");
    }
    dir_ = std::string(config.substr(start + 2, end - start - 2));
    fs::create_directories(dir_);
  }

  void put(const std::string& key, cke::sdk::Reader& source) override {
    const fs::path temp = dir_ / ("." + key + ".tmp");
    // 0600: a backup holds every secret in etcd.
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
      throw cke::sdk::Error(CKE_UNAVAILABLE, "cannot create " + temp.string());
    }
    try {
      std::vector<uint8_t> buf(64 * 1024);
      while (const size_t n = source.read(buf)) {
        if (::write(fd, buf.data(), n) != static_cast<ssize_t>(n)) {
          throw cke::sdk::Error(CKE_UNAVAILABLE, "cannot write " + temp.string());
        }
      }
      if (::fsync(fd) != 0) {
        throw cke::sdk::Error(CKE_UNAVAILABLE, "cannot flush " + temp.string());
      }
    } catch (...) {
      ::close(fd);
      fs::remove(temp);  // a failed put leaves nothing behind
      throw;
    }
    ::close(fd);
    fs::rename(temp, dir_ / key);  // visible only once complete
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
      if (name.front() != '.' && name.rfind(prefix, 0) == 0 &&
          !each({name, entry.file_size(), 0})) {
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
};

}  // namespace

CKE_PLUGINS(cke::sdk::storage_plugin<DirStorage>({"example-dir", "0.1.0",
                                                  "example: objects as files in one directory"}))
