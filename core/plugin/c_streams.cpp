#include "core/plugin/c_streams.hpp"

#include <exception>

#include "core/common/error.hpp"
#include "core/plugin/host.hpp"

namespace cke::plugin {
namespace {

// Exceptions never cross into a plugin: they become a status plus a host-allocated message.
int32_t report(cke_error* err) noexcept {
  try {
    throw;
  } catch (const Error& e) {
    set_error(err, e.code(), e.what());
    return e.code() == CKE_OK ? CKE_UNKNOWN : e.code();
  } catch (const std::exception& e) {
    set_error(err, CKE_INTERNAL, e.what());
    return CKE_INTERNAL;
  } catch (...) {
    set_error(err, CKE_UNKNOWN, "unknown error");
    return CKE_UNKNOWN;
  }
}

int64_t read_trampoline(void* ctx, uint8_t* buf, size_t capacity, cke_error* err) {
  try {
    return static_cast<int64_t>(static_cast<stream::ByteReader*>(ctx)->read({buf, capacity}));
  } catch (...) {
    return -static_cast<int64_t>(report(err));
  }
}

int32_t write_trampoline(void* ctx, const uint8_t* data, size_t size, cke_error* err) {
  try {
    static_cast<stream::ByteWriter*>(ctx)->write({data, size});
    return CKE_OK;
  } catch (...) {
    return report(err);
  }
}

}  // namespace

cke_reader as_c_reader(stream::ByteReader& reader) noexcept {
  return cke_reader{sizeof(cke_reader), &reader, &read_trampoline};
}

cke_writer as_c_writer(stream::ByteWriter& writer) noexcept {
  return cke_writer{sizeof(cke_writer), &writer, &write_trampoline};
}

}  // namespace cke::plugin
