#include "core/plugin/kind.hpp"

#include <algorithm>
#include <array>
#include <cstddef>

#include "cke/plugin_abi.h"

namespace cke::plugin {
namespace {

// Table sizes per minor of ABI 1, oldest first. When a minor appends members to a table, the
// entries of older minors must become the offset of the first appended member, and the new
// minor's entry sizeof(table). Nothing here may shrink.
constexpr std::array<size_t, 2> kCertBackendSizes{offsetof(cke_cert_backend_table, sign_crl),
                                                  sizeof(cke_cert_backend_table)};
constexpr std::array<size_t, 1> kStorageSizes{sizeof(cke_storage_table)};
constexpr std::array<size_t, 1> kCompressorSizes{sizeof(cke_compressor_table)};
// apply_objects and fetch (1.4) are optional even in a 1.4 table: only a publisher whose target
// is an API server has them.
constexpr std::array<size_t, 1> kPublisherSizes{offsetof(cke_publisher_table, apply_objects)};
constexpr std::array<size_t, 4> kRuntimeSizes{
    offsetof(cke_runtime_table, stage_restore), offsetof(cke_runtime_table, stage_restore),
    offsetof(cke_runtime_table, etcd_version), sizeof(cke_runtime_table)};

template <size_t N>
size_t size_at(const std::array<size_t, N>& sizes, uint32_t minor) {
  return sizes[std::min<size_t>(minor, N - 1)];
}

template <class... Fn>
bool all_set(Fn... fns) {
  return ((fns != nullptr) && ...);
}

}  // namespace

std::string_view kind_name(Kind kind) noexcept {
  switch (kind) {
    case Kind::cert_backend: return "certificate-backend";
    case Kind::storage: return "storage";
    case Kind::compressor: return "compressor";
    case Kind::publisher: return "publisher";
    case Kind::runtime: return "runtime";
  }
  return "unknown";
}

std::optional<Kind> kind_from_abi(uint32_t value) noexcept {
  if (value >= CKE_KIND_CERT_BACKEND && value <= CKE_KIND_RUNTIME) {
    return static_cast<Kind>(value);
  }
  return std::nullopt;
}

size_t minimum_table_size(Kind kind, uint32_t minor) noexcept {
  switch (kind) {
    case Kind::cert_backend: return size_at(kCertBackendSizes, minor);
    case Kind::storage: return size_at(kStorageSizes, minor);
    case Kind::compressor: return size_at(kCompressorSizes, minor);
    case Kind::publisher: return size_at(kPublisherSizes, minor);
    case Kind::runtime: return size_at(kRuntimeSizes, minor);
  }
  return SIZE_MAX;
}

bool table_is_complete(Kind kind, const void* table) noexcept {
  switch (kind) {
    case Kind::cert_backend: {
      const auto* t = static_cast<const cke_cert_backend_table*>(table);
      return all_set(t->create, t->destroy, t->ca_certificate, t->issue);
    }
    case Kind::storage: {
      const auto* t = static_cast<const cke_storage_table*>(table);
      return all_set(t->create, t->destroy, t->put, t->get, t->stat, t->remove, t->list);
    }
    case Kind::compressor: {
      const auto* t = static_cast<const cke_compressor_table*>(table);
      return t->file_extension != nullptr &&
             all_set(t->create, t->destroy, t->open_writer, t->write, t->finish, t->close_writer,
                     t->open_reader, t->read, t->close_reader);
    }
    case Kind::publisher: {
      const auto* t = static_cast<const cke_publisher_table*>(table);
      return all_set(t->create, t->destroy, t->publish, t->withdraw);
    }
    case Kind::runtime: {
      const auto* t = static_cast<const cke_runtime_table*>(table);
      return all_set(t->create, t->destroy, t->open_node, t->close_node, t->write_file, t->start,
                     t->stop, t->inspect, t->wipe);
    }
  }
  return false;
}

}  // namespace cke::plugin
