// cke-storage-conformance: what a storage plugin must do for cke's backups, checked against the
// plugin through the same loader and wrappers cke uses. A plugin author runs it on their plugin:
//   cke-storage-conformance [--plugin-dir DIR]... [--large-mib N] NAME CONFIG.json
// Prints one line per check ("ok" or "FAIL: why") and exits 1 if any failed. Checks: put, get,
// replace, stat, list (with a prefix), remove; nothing listed before a put completes; a failed
// put leaves nothing behind (both past 5 MiB, S3's smallest part, so that a multipart upload
// is exercised, not only one request); a large object goes both ways in constant memory; names that are no
// plain object names are refused by the plugin itself; errors are one-line sentences; and, where
// the plugin keeps files (--files-in DIR, or the configuration's "dir"), none is readable by
// other users (a backup holds every secret in etcd).
#include <stdlib.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/common/error.hpp"
#include "core/common/sha256.hpp"
#include "core/plugin/c_streams.hpp"
#include "core/plugin/host.hpp"
#include "core/plugin/registry.hpp"
#include "core/plugin/storage.hpp"
#include "core/stream/memory_stream.hpp"

namespace {

namespace fs = std::filesystem;
using cke::plugin::Storage;

// Bytes made up as they are read, with a callback at a given offset (to look around mid-put, or
// to fail there).
class MadeUpReader final : public cke::stream::ByteReader {
 public:
  MadeUpReader(uint64_t size, uint64_t at, std::function<void()> on_reaching)
      : size_(size), at_(at), on_reaching_(std::move(on_reaching)) {}
  size_t read(std::span<uint8_t> buffer) override {
    if (on_reaching_ && done_ >= at_) {
      std::exchange(on_reaching_, nullptr)();
    }
    const auto n = static_cast<size_t>(std::min<uint64_t>(buffer.size(), size_ - done_));
    for (size_t i = 0; i < n; ++i) {
      buffer[i] = static_cast<uint8_t>((done_ + i) * 2654435761U >> 13);
    }
    hash_.update(buffer.first(n));
    done_ += n;
    return n;
  }
  std::string digest() { return cke::Sha256::hex(hash_.digest()); }

 private:
  uint64_t size_;
  uint64_t done_ = 0;
  uint64_t at_;
  std::function<void()> on_reaching_;
  cke::Sha256 hash_;
};

class HashingWriter final : public cke::stream::ByteWriter {
 public:
  void write(std::span<const uint8_t> data) override {
    hash_.update(data);
    size_ += data.size();
  }
  std::string digest() { return cke::Sha256::hex(hash_.digest()); }
  uint64_t size_ = 0;

 private:
  cke::Sha256 hash_;
};

long peak_rss_kib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) {
      return std::stol(line.substr(6));
    }
  }
  return 0;
}

std::string get_text(Storage& storage, const std::string& key) {
  cke::stream::StringWriter out;
  storage.get(key, out);
  return out.text();
}

void put_text(Storage& storage, const std::string& key, const std::string& text) {
  cke::stream::SpanReader in({reinterpret_cast<const uint8_t*>(text.data()), text.size()});
  storage.put(key, in);
}

bool listed(Storage& storage, const std::string& key) {
  for (const auto& info : storage.list()) {
    if (info.key == key) {
      return true;
    }
  }
  return false;
}

void expect(bool holds, const std::string& why) {
  if (!holds) {
    throw std::runtime_error(why);
  }
}

// A message cke can show as it is: one line, more than a status name.
void expect_sentence(const std::string& message, const std::string& what) {
  expect(message.size() > 12 && message.find('\n') == std::string::npos,
         what + " is no one-line sentence: \"" + message + "\"");
}

struct Kit {
  const cke::plugin::PluginRecord& record;
  std::string config;
  uint64_t large_mib;
  int failures = 0;

  std::unique_ptr<Storage> open() const { return std::make_unique<Storage>(record, config); }

  void check(const std::string& name, const std::function<void()>& body) {
    try {
      body();
      std::cout << "ok    " << name << "\n";
    } catch (const std::exception& e) {
      ++failures;
      std::cout << "FAIL  " << name << ": " << e.what() << "\n";
    }
    std::cout.flush();
  }

  // The plugin's own answer to a key the core would never pass: it must refuse it.
  int32_t raw_put(const std::string& key, std::string& message) const {
    const auto* table = static_cast<const cke_storage_table*>(record.table);
    cke_storage* instance = nullptr;
    cke::plugin::CallError create_error;
    if (table->create(config.c_str(), &instance, create_error.get()) != CKE_OK) {
      throw std::runtime_error("create failed: " + create_error.message(CKE_UNKNOWN));
    }
    const std::string body = "escaped";
    cke::stream::SpanReader in({reinterpret_cast<const uint8_t*>(body.data()), body.size()});
    const cke_reader reader = cke::plugin::as_c_reader(in);
    cke::plugin::CallError error;
    const int32_t status = table->put(instance, key.c_str(), &reader, error.get());
    message = error.message(status);
    table->destroy(instance);
    return status;
  }
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"cke-storage-conformance: checks a storage plugin against what cke needs"};
  std::vector<std::string> plugin_dirs;
  std::string name;
  std::string config_file;
  uint64_t large_mib = 256;
  std::string files_in;
  app.add_option("--plugin-dir", plugin_dirs, "a directory to load plugins from (repeatable)");
  app.add_option("--large-mib", large_mib, "the size of the large object, MiB (default 256)")
      ->check(CLI::Range(1, 65536));
  app.add_option("--files-in", files_in,
                 "the directory the plugin stores its files in, to check their modes (default: "
                 "the configuration's \"dir\", if any)");
  app.add_option("name", name, "the storage plugin's name")->required();
  app.add_option("config", config_file, "a JSON file with its configuration")
      ->required()
      ->check(CLI::ExistingFile);
  CLI11_PARSE(app, argc, argv);

  try {
    std::ifstream in(config_file);
    std::stringstream text;
    text << in.rdbuf();
    const auto config = nlohmann::json::parse(text.str(), nullptr, false);
    if (!config.is_object()) {
      throw cke::Error(config_file + ": not a JSON object", CKE_INVALID_ARGUMENT);
    }
    std::vector<fs::path> dirs(plugin_dirs.begin(), plugin_dirs.end());
    const cke::plugin::Registry registry(cke::plugin::plugin_search_path(dirs));
    Kit kit{registry.require(cke::plugin::Kind::storage, name), config.dump(), large_mib};
    auto storage = kit.open();
    const std::string key = "cke-conformance-" + std::to_string(::getpid()) + ".db.gz";

    kit.check("put then get returns the same bytes", [&] {
      put_text(*storage, key, "first version\n");
      expect(get_text(*storage, key) == "first version\n", "get returned other bytes");
    });
    kit.check("a second put replaces the object", [&] {
      put_text(*storage, key, "second\n");
      expect(get_text(*storage, key) == "second\n", "get still returns the first version");
    });
    kit.check("stat and list give the stored size; list filters by prefix", [&] {
      const auto info = storage->stat(key);
      expect(info && info->size == 7, "stat does not give size 7");
      expect(listed(*storage, key), "list does not show the object");
      bool in_prefix = false;
      for (const auto& o : storage->list("cke-conformance-")) {
        in_prefix |= o.key == key;
        expect(o.key.rfind("cke-conformance-", 0) == 0, "list(prefix) shows " + o.key);
      }
      expect(in_prefix, "list(prefix) misses the object");
    });
    kit.check("nothing is listed before a put completes", [&] {
      const std::string pending = key + ".pending";
      auto other = kit.open();
      bool seen_early = true;
      MadeUpReader source(12 << 20, 8 << 20, [&] { seen_early = listed(*other, pending); });
      storage->put(pending, source);
      expect(!seen_early, "the object was listed half-written");
      expect(listed(*storage, pending), "the object is not listed once complete");
      storage->remove(pending);
    });
    kit.check("a failed put leaves nothing behind", [&] {
      const std::string failing = key + ".failing";
      const auto before = storage->list().size();
      MadeUpReader source(16 << 20, 12 << 20,
                          [] { throw cke::Error("the source failed on purpose", CKE_DATA_LOSS); });
      bool threw = false;
      try {
        storage->put(failing, source);
      } catch (const std::exception&) {
        threw = true;
      }
      expect(threw, "put succeeded although its source failed");
      expect(!storage->stat(failing), "the failed object exists");
      expect(storage->list().size() == before, "the failed put left something listed");
    });
    kit.check("a large object goes both ways in constant memory", [&] {
      const std::string large = key + ".large";
      const long rss_before = peak_rss_kib();
      MadeUpReader source(large_mib << 20, 0, nullptr);
      storage->put(large, source);
      HashingWriter back;
      storage->get(large, back);
      expect(back.size_ == large_mib << 20,
             "get returned " + std::to_string(back.size_) + " bytes");
      expect(back.digest() == source.digest(), "get returned other bytes");
      const long grown_mib = (peak_rss_kib() - rss_before) / 1024;
      storage->remove(large);
      expect(grown_mib < 64, "memory grew " + std::to_string(grown_mib) + " MiB for a " +
                                 std::to_string(large_mib) + " MiB object");
    });
    kit.check("names that are no plain object names are refused by the plugin", [&] {
      // An absolute name points into a scratch directory, so that a plugin that takes it for a
      // path writes there, where the kit sees it, and nowhere that matters.
      std::string scratch = (fs::temp_directory_path() / "cke-conformance-XXXXXX").string();
      expect(::mkdtemp(scratch.data()) != nullptr, "cannot make a scratch directory");
      const fs::path escaped = fs::path(scratch) / "escaped";
      std::string problem;
      for (const std::string& bad :
           {escaped.string(), std::string("../escaped"), std::string("a/../../escaped"),
            std::string("dir/escaped"), std::string(".hidden"), std::string()}) {
        std::string message;
        if (kit.raw_put(bad, message) == CKE_OK) {
          problem = "put accepted the key \"" + bad + "\"";
          break;
        }
        expect_sentence(message, "the refusal of \"" + bad + "\"");
      }
      const bool wrote_outside = fs::exists(escaped);
      fs::remove_all(scratch);
      expect(problem.empty(), problem);
      expect(!wrote_outside, "a refused key still wrote " + escaped.string());
    });
    kit.check("stored objects are not readable by other users", [&] {
      if (files_in.empty() && config.contains("dir") && config["dir"].is_string()) {
        files_in = config["dir"].get<std::string>();
      }
      if (files_in.empty()) {
        std::cout << "      (skipped: no --files-in, and the configuration names no \"dir\")\n";
        return;
      }
      put_text(*storage, key + ".mode", "secret\n");  // at least one object to look at
      for (const auto& entry : fs::recursive_directory_iterator(files_in)) {
        struct stat st {};
        if (entry.is_regular_file() && ::stat(entry.path().c_str(), &st) == 0) {
          char mode[8];
          std::snprintf(mode, sizeof mode, "%03o", static_cast<unsigned>(st.st_mode & 0777));
          expect((st.st_mode & 077) == 0,
                 entry.path().string() + " has mode " + mode + ": other users may read a backup");
        }
      }
    });
    kit.check("remove, then get is NOT_FOUND with a sentence", [&] {
      storage->remove(key);
      expect(!listed(*storage, key), "the removed object is still listed");
      try {
        (void)get_text(*storage, key);
        throw std::runtime_error("get of a removed object succeeded");
      } catch (const cke::Error& e) {
        expect(e.code() == CKE_NOT_FOUND,
               "get failed with status " + std::to_string(e.code()) + ", not NOT_FOUND");
        expect_sentence(e.what(), "the error");
      }
    });
    std::cout << (kit.failures == 0 ? "all checks passed"
                                    : std::to_string(kit.failures) + " check(s) failed")
              << "\n";
    return kit.failures == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "cke-storage-conformance: " << e.what() << "\n";
    return 2;
  }
}
