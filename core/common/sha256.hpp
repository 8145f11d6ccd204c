// Incremental SHA-256 (OpenSSL EVP).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

struct evp_md_ctx_st;

namespace cke {

class Sha256 {
 public:
  Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  ~Sha256();

  void update(std::span<const uint8_t> data);
  std::array<uint8_t, 32> digest();  // once
  // The digest of what was fed so far; the hash goes on (a prefix's digest without a second pass).
  [[nodiscard]] std::array<uint8_t, 32> digest_so_far() const;
  static std::string hex(const std::array<uint8_t, 32>& digest);

 private:
  evp_md_ctx_st* ctx_;
};

}  // namespace cke
