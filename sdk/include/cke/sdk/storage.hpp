// C++ base class for a storage target plugin and the trampolines behind cke_storage_table.
// A storage plugin is one class deriving from Storage plus CKE_PLUGINS(storage_plugin<T>(…)).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "cke/sdk/error.hpp"
#include "cke/sdk/plugin_info.hpp"
#include "cke/sdk/streams.hpp"
#include "cke/storage.h"

namespace cke::sdk {

struct ObjectInfo {
  std::string key;
  uint64_t size = 0;
  int64_t mtime_unix_ms = 0;
};

// Derive from this; the constructor takes the JSON configuration text. Keys arrive validated
// (plain file names). Throw Error(CKE_NOT_FOUND, …) for a missing object.
class Storage {
 public:
  virtual ~Storage() = default;
  // Stores everything `source` yields under `key`; visible only once complete.
  virtual void put(const std::string& key, Reader& source) = 0;
  virtual void get(const std::string& key, Writer& sink) = 0;
  virtual ObjectInfo stat(const std::string& key) = 0;
  virtual void remove(const std::string& key) = 0;
  // Calls `each` per object whose key starts with `prefix`; stop early when it returns false.
  virtual void list(const std::string& prefix,
                    const std::function<bool(const ObjectInfo&)>& each) = 0;
};

// Whether `key` is a plain object name as cke makes them: [A-Za-z0-9][A-Za-z0-9._-]*, at most
// 200 characters, no "..". cke checks every key before a plugin sees it; the trampolines below
// check again, so that a plugin called some other way never turns a key into a path elsewhere.
inline bool is_plain_object_name(std::string_view key) {
  const auto plain = [](char c, bool first) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (!first && (c == '.' || c == '_' || c == '-'));
  };
  if (key.empty() || key.size() > 200 || key.find("..") != std::string_view::npos) {
    return false;
  }
  for (size_t i = 0; i < key.size(); ++i) {
    if (!plain(key[i], i == 0)) {
      return false;
    }
  }
  return true;
}

// The sentence for a key that is no plain object name (control characters shown as \xNN).
inline std::string invalid_object_name_message(std::string_view key) {
  std::string shown;
  for (const char c : key) {
    shown += (c >= 0x20 && c < 0x7f) ? std::string(1, c)
                                     : "\\x" + std::to_string(static_cast<unsigned char>(c));
  }
  return "invalid object name \"" + shown + "\": only plain names, no paths";
}

namespace detail::storage {

inline Storage* self(cke_storage* p) { return reinterpret_cast<Storage*>(p); }

inline std::string checked_key(const char* key) {
  const std::string_view text = key != nullptr ? key : "";
  if (!is_plain_object_name(text)) {
    throw Error(CKE_INVALID_ARGUMENT, invalid_object_name_message(text));
  }
  return std::string(text);
}

template <class T>
int32_t create(const char* config_json, cke_storage** out, cke_error* err) {
  return barrier(err, [&] {
    auto instance =
        std::make_unique<T>(std::string_view(config_json != nullptr ? config_json : "{}"));
    *out = reinterpret_cast<cke_storage*>(static_cast<Storage*>(instance.release()));
  });
}

inline void destroy(cke_storage* p) { delete self(p); }  // NOLINT(cppcoreguidelines-owning-memory)

inline int32_t put(cke_storage* p, const char* key, const cke_reader* source, cke_error* err) {
  return barrier(err, [&] {
    const std::string name = checked_key(key);
    Reader reader(*source);
    self(p)->put(name, reader);
  });
}

inline int32_t get(cke_storage* p, const char* key, const cke_writer* sink, cke_error* err) {
  return barrier(err, [&] {
    const std::string name = checked_key(key);
    Writer writer(*sink);
    self(p)->get(name, writer);
  });
}

inline int32_t stat(cke_storage* p, const char* key, cke_object_info* info, cke_error* err) {
  return barrier(err, [&] {
    const ObjectInfo found = self(p)->stat(checked_key(key));
    info->key = nullptr;  // the caller knows the key; found.key dies with this frame
    info->size = found.size;
    info->mtime_unix_ms = found.mtime_unix_ms;
  });
}

inline int32_t remove(cke_storage* p, const char* key, cke_error* err) {
  return barrier(err, [&] { self(p)->remove(checked_key(key)); });
}

inline int32_t list(cke_storage* p, const char* prefix, cke_object_callback callback, void* ctx,
                    cke_error* err) {
  return barrier(err, [&] {
    self(p)->list(prefix != nullptr ? prefix : "", [&](const ObjectInfo& object) {
      const cke_object_info info{sizeof(cke_object_info), object.key.c_str(), object.size,
                                 object.mtime_unix_ms};
      return callback(ctx, &info) == 0;
    });
  });
}

}  // namespace detail::storage

template <class T>
const cke_plugin_descriptor* storage_plugin(const PluginInfo& info) {
  namespace s = detail::storage;
  static const cke_storage_table table{sizeof(cke_storage_table),
                                       &s::create<T>,
                                       &s::destroy,
                                       &s::put,
                                       &s::get,
                                       &s::stat,
                                       &s::remove,
                                       &s::list};
  static const cke_plugin_descriptor descriptor =
      detail::make_descriptor(CKE_KIND_STORAGE, info, &table);
  return &descriptor;
}

}  // namespace cke::sdk
