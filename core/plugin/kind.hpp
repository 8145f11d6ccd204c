// Plugin kinds as the core names them, and what the ABI requires of each kind's table.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace cke::plugin {

enum class Kind : uint32_t {
  cert_backend = 1,  // CKE_KIND_CERT_BACKEND
  storage = 2,       // CKE_KIND_STORAGE
  compressor = 3,    // CKE_KIND_COMPRESSOR
  publisher = 4,     // CKE_KIND_PUBLISHER
  runtime = 5,       // CKE_KIND_RUNTIME
};

// "certificate-backend", "storage", "compressor", "publisher", "runtime".
std::string_view kind_name(Kind kind) noexcept;
std::optional<Kind> kind_from_abi(uint32_t value) noexcept;

// The smallest function table a plugin of `kind` claiming ABI 1.`minor` may have. Minors newer
// than this core are held to the newest size it knows (their extra members are ignored).
size_t minimum_table_size(Kind kind, uint32_t minor) noexcept;

// True when every function pointer the core will call in the table is set.
bool table_is_complete(Kind kind, const void* table) noexcept;

}  // namespace cke::plugin
