// The local CA never replaces a CA silently: a certificate without its key is refused (members
// trust that CA), a key without its certificate gets the certificate back from the same key.
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "core/common/error.hpp"
#include "core/plugin/cert_backend.hpp"
#include "tests/compress/compress_test_support.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};

std::unique_ptr<X509, X509Free> parse(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  return std::unique_ptr<X509, X509Free>(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

class LocalCaFiles : public ::testing::Test {
 protected:
  std::unique_ptr<cke::plugin::CertBackend> open_ca() {
    return std::make_unique<cke::plugin::CertBackend>(
        cke::test::built_plugins().require(cke::plugin::Kind::cert_backend, "local-ca"),
        nlohmann::json{{"dir", (dir_.path() / "pki").string()}}.dump());
  }
  cke::test::TempDir dir_;
};

TEST_F(LocalCaFiles, ACertificateWithoutItsKeyIsRefused) {
  open_ca()->ca_certificate("client");
  fs::remove(dir_.path() / "pki" / "client-ca.key");
  try {
    open_ca()->ca_certificate("client");
    ADD_FAILURE() << "a new CA replaced the one the members trust";
  } catch (const cke::Error& e) {
    EXPECT_NE(std::string(e.what()).find("the client CA is incomplete"), std::string::npos)
        << e.what();
  }
  EXPECT_FALSE(fs::exists(dir_.path() / "pki" / "client-ca.key"));
}

TEST_F(LocalCaFiles, AKeyWithoutItsCertificateKeepsTheSameKey) {
  const auto old_ca = parse(open_ca()->ca_certificate("client"));
  cke::plugin::CertificateRequest request;
  request.ca_name = "client";
  request.common_name = "alice";
  request.usages = CKE_USAGE_CLIENT_AUTH;
  request.not_before_unix = 0;
  request.ttl_seconds = 1LL << 31;
  const auto leaf = parse(open_ca()->issue(request).certificate_pem);
  fs::remove(dir_.path() / "pki" / "client-ca.crt");
  const auto new_ca = parse(open_ca()->ca_certificate("client"));
  ASSERT_TRUE(old_ca && new_ca && leaf);
  EXPECT_EQ(EVP_PKEY_eq(X509_get0_pubkey(old_ca.get()), X509_get0_pubkey(new_ca.get())), 1);
  EXPECT_EQ(X509_verify(leaf.get(), X509_get0_pubkey(new_ca.get())), 1);
  EXPECT_EQ(X509_NAME_cmp(X509_get_subject_name(old_ca.get()), X509_get_subject_name(new_ca.get())),
            0);
}

}  // namespace
