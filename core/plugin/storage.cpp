#include "core/plugin/storage.hpp"

#include "cke/sdk/storage.hpp"
#include "core/plugin/c_streams.hpp"
#include "core/plugin/instance.hpp"

namespace cke::plugin {

void check_object_key(const std::string& key) {
  if (!sdk::is_plain_object_name(key)) {
    throw Error(sdk::invalid_object_name_message(key), CKE_INVALID_ARGUMENT);
  }
}

Storage::Storage(const PluginRecord& record, const std::string& config_json)
    : record_(record),
      table_(static_cast<const cke_storage_table*>(record.table)),
      instance_(create_instance<cke_storage>(record, Kind::storage, [&](auto** out, auto* err) {
        return table_->create(config_json.c_str(), out, err);
      })) {}

Storage::~Storage() { table_->destroy(instance_); }

void Storage::put(const std::string& key, stream::ByteReader& source) {
  check_object_key(key);
  const cke_reader reader = as_c_reader(source);
  CallError err;
  check_call(table_->put(instance_, key.c_str(), &reader, err.get()), err, record_);
}

void Storage::get(const std::string& key, stream::ByteWriter& sink) {
  check_object_key(key);
  const cke_writer writer = as_c_writer(sink);
  CallError err;
  check_call(table_->get(instance_, key.c_str(), &writer, err.get()), err, record_);
}

std::optional<ObjectInfo> Storage::stat(const std::string& key) {
  check_object_key(key);
  cke_object_info info{sizeof(cke_object_info), nullptr, 0, 0};
  CallError err;
  const int32_t status = table_->stat(instance_, key.c_str(), &info, err.get());
  if (status == CKE_NOT_FOUND) {
    return std::nullopt;
  }
  check_call(status, err, record_);
  return ObjectInfo{key, info.size, info.mtime_unix_ms};
}

void Storage::remove(const std::string& key) {
  check_object_key(key);
  CallError err;
  check_call(table_->remove(instance_, key.c_str(), err.get()), err, record_);
}

std::vector<ObjectInfo> Storage::list(const std::string& prefix) {
  std::vector<ObjectInfo> out;
  const auto collect = [](void* ctx, const cke_object_info* info) -> int32_t {
    auto* objects = static_cast<std::vector<ObjectInfo>*>(ctx);
    if (info->key != nullptr) {
      objects->push_back({info->key, info->size, info->mtime_unix_ms});
    }
    return 0;
  };
  CallError err;
  check_call(table_->list(instance_, prefix.c_str(), collect, &out, err.get()), err, record_);
  return out;
}

}  // namespace cke::plugin
