// An instance of a storage target plugin, seen from the core. Every key is checked here, before
// any plugin sees it: plain names only ([A-Za-z0-9][A-Za-z0-9._-]*, at most 200 characters).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cke/storage.h"
#include "core/plugin/registry.hpp"
#include "core/stream/byte_stream.hpp"

namespace cke::plugin {

struct ObjectInfo {
  std::string key;
  uint64_t size = 0;
  int64_t mtime_unix_ms = 0;
};

// Throws cke::Error(CKE_INVALID_ARGUMENT) naming the key unless it is a plain object name.
void check_object_key(const std::string& key);

class Storage {
 public:
  Storage(const PluginRecord& record, const std::string& config_json);
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;
  ~Storage();

  [[nodiscard]] const std::string& name() const { return record_.name; }
  void put(const std::string& key, stream::ByteReader& source);
  void get(const std::string& key, stream::ByteWriter& sink);
  std::optional<ObjectInfo> stat(const std::string& key);  // nullopt: no such object
  void remove(const std::string& key);
  std::vector<ObjectInfo> list(const std::string& prefix = "");

 private:
  const PluginRecord& record_;
  const cke_storage_table* table_;
  cke_storage* instance_;
};

}  // namespace cke::plugin
