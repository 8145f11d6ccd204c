// Each broken plugin is refused with its own sentence while the good plugins still load.
#include "core/plugin/registry.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <string>

#include "core/common/error.hpp"
#include "core/plugin/cert_backend.hpp"
#include "core/plugin/compressor.hpp"
#include "core/plugin/runtime.hpp"
#include "core/stream/memory_stream.hpp"
#include "tests/support/temp_dir.hpp"

namespace fs = std::filesystem;
using cke::plugin::Kind;
using cke::plugin::Registry;
using ::testing::HasSubstr;

namespace {

const fs::path kBrokenDir = CKE_TEST_BROKEN_PLUGIN_DIR;
const fs::path kPluginDir = CKE_TEST_PLUGIN_DIR;

std::string errors_of(const Registry& registry, const std::string& file_name) {
  std::string all;
  for (const auto& e : registry.errors()) {
    if (e.file.filename() == file_name) {
      all += e.message + "\n";
    }
  }
  return all;
}

class BrokenPlugins : public ::testing::Test {
 protected:
  Registry registry{{kBrokenDir, kPluginDir}};
};

TEST_F(BrokenPlugins, GoodPluginsStillLoad) {
  EXPECT_NE(registry.find(Kind::storage, "test-memory"), nullptr);
  for (const char* name : {"gzip", "zstd", "xz", "none"}) {
    EXPECT_NE(registry.find(Kind::compressor, name), nullptr) << name;
  }
}

TEST_F(BrokenPlugins, NotASharedObjectIsRefused) {
  const std::string e = errors_of(registry, "not_elf.so");
  EXPECT_THAT(e, HasSubstr("not_elf.so: skipped: cannot load it as a shared object"));
}

TEST_F(BrokenPlugins, UnresolvedSymbolIsRefusedAtLoad) {
  EXPECT_THAT(errors_of(registry, "unresolved.so"), HasSubstr("cke_symbol_that_does_not_exist"));
}

TEST_F(BrokenPlugins, MissingEntrySymbolIsRefused) {
  EXPECT_THAT(errors_of(registry, "no_entry.so"),
              HasSubstr("skipped: no entry symbol cke_plugin_entry_v1"));
}

TEST_F(BrokenPlugins, WrongMajorIsRefusedNamingBothVersions) {
  const std::string e = errors_of(registry, "wrong_major.so");
  EXPECT_THAT(e, HasSubstr("built for ABI 2.0"));
  EXPECT_THAT(e, HasSubstr("this cke speaks ABI 1." + std::to_string(CKE_ABI_MINOR)));
  EXPECT_EQ(registry.find(Kind::compressor, "future"), nullptr);
}

TEST_F(BrokenPlugins, ShortTableIsRefused) {
  const std::string e = errors_of(registry, "short_table.so");
  EXPECT_THAT(e, HasSubstr("plugin \"stubby\": skipped: its compressor table is"));
  EXPECT_THAT(
      e, HasSubstr("ABI 1." + std::to_string(CKE_ABI_MINOR) + " (which it claims) needs at least"));
  EXPECT_EQ(registry.find(Kind::compressor, "stubby"), nullptr);
}

TEST_F(BrokenPlugins, ACertificateBackendOfAbi10LoadsAndIssuesButCannotSignCrls) {
  EXPECT_EQ(errors_of(registry, "cert_backend_1_0.so"), "");
  cke::plugin::CertBackend old(registry.require(Kind::cert_backend, "old-ca"), "{}");
  EXPECT_EQ(old.ca_certificate("client"), "old CA\n");
  cke::plugin::CertificateRequest request;
  request.ca_name = "client";
  request.common_name = "alice";
  EXPECT_EQ(old.issue(request).certificate_pem, "old certificate\n");
  EXPECT_FALSE(old.can_sign_crl());
  try {
    old.sign_crl("client", {}, 0, 1);  // never reaches the slot past its table's end
    FAIL() << "a 1.0 table signed a CRL";
  } catch (const cke::Error& e) {
    EXPECT_EQ(e.code(), CKE_UNIMPLEMENTED);
    EXPECT_THAT(std::string(e.what()), HasSubstr("needs plugin ABI 1.1"));
  }
}

TEST_F(BrokenPlugins, ARuntimeOfAbi10LoadsAndRunsButCannotRestore) {
  EXPECT_EQ(errors_of(registry, "runtime_1_0.so"), "");
  cke::plugin::Runtime old(registry.require(Kind::runtime, "old-runtime"), "{}", nullptr);
  auto node = old.open_node({"127.0.0.1", "", "", "/nonexistent"});
  EXPECT_EQ(node->inspect().state, cke::plugin::MemberState::absent);
  EXPECT_EQ(node->log_tail(100), "");   // never reaches the slot past its table's end
  EXPECT_EQ(node->etcd_version(), "");  // likewise: a 1.0 runtime cannot tell, which is no error
  cke::stream::SpanReader empty({});
  for (const auto& call : std::vector<std::function<void()>>{
           [&] {
             node->stage_restore({"m", "m=https://127.0.0.1:2380", "t", "u"}, empty);
           },
           [&] { node->discard_staged(); }, [&] { node->swap_staged(); },
           [&] { node->drop_previous(); }}) {
    try {
      call();
      FAIL() << "a 1.0 table reached an entry of ABI 1.2";
    } catch (const cke::Error& e) {
      EXPECT_EQ(e.code(), CKE_UNIMPLEMENTED);
      EXPECT_THAT(std::string(e.what()), HasSubstr("older than ABI 1.2"));
    }
  }
}

TEST_F(BrokenPlugins, EmptyFunctionPointerIsRefused) {
  EXPECT_THAT(errors_of(registry, "null_function.so"), HasSubstr("empty function pointer"));
  EXPECT_EQ(registry.find(Kind::compressor, "hollow"), nullptr);
}

TEST_F(BrokenPlugins, DuplicateNameIsRefusedAndTheFirstKept) {
  EXPECT_THAT(errors_of(registry, "duplicate.so"),
              HasSubstr("plugin \"twin\": skipped: duplicate compressor plugin name"));
  const auto* twin = registry.find(Kind::compressor, "twin");
  ASSERT_NE(twin, nullptr);
  EXPECT_EQ(twin->version, "1.0");
}

TEST_F(BrokenPlugins, FailingCreateIsReportedWhenAnInstanceIsMade) {
  const auto& refuser = registry.require(Kind::compressor, "refuser");
  try {
    cke::plugin::Compressor instance(refuser);
    FAIL() << "create should have failed";
  } catch (const cke::Error& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr("compressor plugin \"refuser\""));
    EXPECT_THAT(std::string(e.what()), HasSubstr("create_fails.so"));
    EXPECT_THAT(std::string(e.what()), HasSubstr("no credentials configured"));
    EXPECT_EQ(e.code(), CKE_FAILED_PRECONDITION);
  }
}

TEST_F(BrokenPlugins, ExceptionInsidePluginBecomesAnError) {
  const auto& thrower = registry.require(Kind::compressor, "thrower");
  try {
    cke::plugin::Compressor instance(thrower);
    FAIL() << "create should have failed";
  } catch (const cke::Error& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr("constructor exploded"));
    EXPECT_EQ(e.code(), CKE_INTERNAL);
  }
}

TEST_F(BrokenPlugins, RequireNamesWhatIsAvailable) {
  try {
    (void)registry.require(Kind::compressor, "brotli");
    FAIL();
  } catch (const cke::Error& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr("no compressor plugin named \"brotli\""));
    EXPECT_THAT(std::string(e.what()), HasSubstr("gzip"));
  }
}

TEST(RegistryShadowing, LaterDirectoryIsShadowedAndSaysSo) {
  cke::test::TempDir first;
  cke::test::TempDir second;
  fs::copy_file(kBrokenDir / "good_storage.so", first.path() / "good_storage.so");
  fs::copy_file(kBrokenDir / "good_storage.so", second.path() / "other_copy.so");
  const Registry registry({first.path(), second.path()});
  ASSERT_EQ(registry.shadowed().size(), 1U);
  EXPECT_EQ(registry.shadowed()[0].name, "test-memory");
  EXPECT_EQ(registry.shadowed()[0].file, second.path() / "other_copy.so");
  EXPECT_EQ(registry.shadowed()[0].shadowed_by, first.path() / "good_storage.so");
  EXPECT_TRUE(registry.errors().empty());
  EXPECT_EQ(registry.find(Kind::storage, "test-memory")->file, first.path() / "good_storage.so");
}

TEST(RegistrySearchPath, FlagThenEnvironmentThenExecutableRelativeWithoutDuplicates) {
  cke::test::TempDir flag_dir;
  cke::test::TempDir env_dir;
  const std::string env = env_dir.path().string() + ":" + flag_dir.path().string();
  ::setenv("CKE_PLUGIN_PATH", env.c_str(), 1);
  const auto dirs = cke::plugin::plugin_search_path({flag_dir.path()});
  ::unsetenv("CKE_PLUGIN_PATH");
  ASSERT_GE(dirs.size(), 3U);
  EXPECT_EQ(dirs[0], flag_dir.path());
  EXPECT_EQ(dirs[1], env_dir.path());  // flag_dir listed again in the variable: kept once
  // ../lib/ARCH/cke/plugins-1 from the test binary in build/bin: the build's plugin directory.
  EXPECT_EQ(std::filesystem::weakly_canonical(dirs[2]),
            std::filesystem::weakly_canonical(CKE_TEST_PLUGIN_DIR));
}

}  // namespace
