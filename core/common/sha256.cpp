#include "core/common/sha256.hpp"

#include <openssl/evp.h>

#include <memory>

#include "core/common/error.hpp"

namespace cke {

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr || EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) != 1) {
    throw Error("cannot initialise SHA-256", CKE_INTERNAL);
  }
}

Sha256::~Sha256() { EVP_MD_CTX_free(ctx_); }

void Sha256::update(std::span<const uint8_t> data) {
  EVP_DigestUpdate(ctx_, data.data(), data.size());
}

std::array<uint8_t, 32> Sha256::digest() {
  std::array<uint8_t, 32> out{};
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx_, out.data(), &length);
  return out;
}

std::array<uint8_t, 32> Sha256::digest_so_far() const {
  const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> copy(EVP_MD_CTX_new(),
                                                                     &EVP_MD_CTX_free);
  std::array<uint8_t, 32> out{};
  unsigned int length = 0;
  if (!copy || EVP_MD_CTX_copy_ex(copy.get(), ctx_) != 1 ||
      EVP_DigestFinal_ex(copy.get(), out.data(), &length) != 1) {
    throw Error("cannot copy a SHA-256 state", CKE_INTERNAL);
  }
  return out;
}

std::string Sha256::hex(const std::array<uint8_t, 32>& digest) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (const uint8_t b : digest) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

}  // namespace cke
