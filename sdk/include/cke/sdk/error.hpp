// The C++ SDK's error type and the exception barrier every trampoline goes through.
#pragma once

#include <cstdint>
#include <exception>
#include <new>
#include <stdexcept>
#include <string>

#include "cke/abi.h"
#include "cke/sdk/host.hpp"

namespace cke::sdk {

// Throw this from plugin code to return a specific status; any other exception becomes
// CKE_INTERNAL with its what() as the message.
class Error : public std::runtime_error {
 public:
  Error(int32_t code, const std::string& message) : std::runtime_error(message), code_(code) {}
  [[nodiscard]] int32_t code() const noexcept { return code_; }

 private:
  int32_t code_;
};

namespace detail {

// Runs `body` and turns anything it throws into a status plus a message in *err, so that no
// exception ever unwinds into the host.
template <class Body>
int32_t barrier(cke_error* err, Body&& body) noexcept {
  try {
    body();
    return CKE_OK;
  } catch (const Error& e) {
    set_error(err, e.code(), e.what());
    return e.code();
  } catch (const std::bad_alloc&) {
    set_error(err, CKE_RESOURCE_EXHAUSTED, "out of memory");
    return CKE_RESOURCE_EXHAUSTED;
  } catch (const std::exception& e) {
    set_error(err, CKE_INTERNAL, e.what());
    return CKE_INTERNAL;
  } catch (...) {
    set_error(err, CKE_UNKNOWN, "unknown exception in plugin");
    return CKE_UNKNOWN;
  }
}

// Turns an error the host put into a plugin-owned cke_error into an exception, freeing it.
[[noreturn]] inline void throw_host_error(int32_t status, cke_error& err) {
  std::string message = err.message != nullptr ? err.message : "stream failed";
  clear_error(&err);
  throw Error(status, message);
}

}  // namespace detail
}  // namespace cke::sdk
