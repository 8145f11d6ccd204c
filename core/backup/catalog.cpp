#include "core/backup/catalog.hpp"

#include <algorithm>

#include "core/backup/backup_name.hpp"
#include "core/common/error.hpp"
#include "core/stream/memory_stream.hpp"

namespace cke::backup {

Manifest read_manifest(plugin::Storage& storage, const std::string& name) {
  check_backup_name(name);
  if (!storage.stat(manifest_name(name)) || !storage.stat(name)) {
    throw Error("no backup named " + name, CKE_NOT_FOUND);
  }
  stream::StringWriter text;
  storage.get(manifest_name(name), text);
  return manifest_from_json(text.text(), manifest_name(name));
}

void write_manifest(plugin::Storage& storage, const Manifest& manifest) {
  const std::string text = to_json(manifest);
  stream::SpanReader reader({reinterpret_cast<const uint8_t*>(text.data()), text.size()});
  storage.put(manifest_name(manifest.name), reader);
}

std::vector<Manifest> list_backups(plugin::Storage& storage) {
  const auto objects = storage.list("snapshot-");
  std::vector<std::pair<std::chrono::system_clock::time_point, Manifest>> found;
  for (const auto& object : objects) {
    const auto parsed = parse_backup_name(object.key);
    if (!parsed) {
      continue;
    }
    const bool has_manifest = std::any_of(objects.begin(), objects.end(), [&](const auto& o) {
      return o.key == manifest_name(object.key);
    });
    if (has_manifest) {
      stream::StringWriter text;
      storage.get(manifest_name(object.key), text);
      found.emplace_back(parsed->time, manifest_from_json(text.text(), manifest_name(object.key)));
    }
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : a.second.name < b.second.name;
  });
  std::vector<Manifest> out;
  for (auto& [time, manifest] : found) {
    out.push_back(std::move(manifest));
  }
  return out;
}

void remove_backup(plugin::Storage& storage, const std::string& name) {
  check_backup_name(name);
  const bool had_manifest = storage.stat(manifest_name(name)).has_value();
  const bool had_data = storage.stat(name).has_value();
  if (!had_manifest && !had_data) {
    throw Error("no backup named " + name, CKE_NOT_FOUND);
  }
  if (had_manifest) {
    storage.remove(manifest_name(name));
  }
  if (had_data) {
    storage.remove(name);
  }
}

std::vector<std::string> rotate_backups(plugin::Storage& storage, size_t keep) {
  const auto backups = list_backups(storage);
  std::vector<std::string> removed;
  for (size_t i = 0; i + keep < backups.size(); ++i) {
    remove_backup(storage, backups[i].name);
    removed.push_back(backups[i].name);
  }
  return removed;
}

std::vector<std::string> clean_orphans(plugin::Storage& storage) {
  const auto objects = storage.list("snapshot-");
  const auto exists = [&](const std::string& key) {
    return std::any_of(objects.begin(), objects.end(), [&](const auto& o) { return o.key == key; });
  };
  std::vector<std::string> removed;
  for (const auto& object : objects) {
    const std::string& key = object.key;
    const std::string suffix = ".manifest.json";
    const bool is_manifest = key.size() > suffix.size() &&
                             key.compare(key.size() - suffix.size(), suffix.size(), suffix) == 0;
    const std::string data = is_manifest ? key.substr(0, key.size() - suffix.size()) : key;
    if (!parse_backup_name(data)) {
      continue;  // not ours
    }
    if ((is_manifest && !exists(data)) || (!is_manifest && !exists(manifest_name(data)))) {
      storage.remove(key);
      removed.push_back(key);
    }
  }
  return removed;
}

}  // namespace cke::backup
