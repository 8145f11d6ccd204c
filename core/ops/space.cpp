#include "core/ops/space.hpp"

#include <spdlog/spdlog.h>

#include <charconv>
#include <chrono>
#include <cstring>

#include "core/cluster/member_command.hpp"
#include "core/common/test_hooks.hpp"

namespace cke::ops {

int64_t defragment_min_free_bytes() {
  constexpr int64_t kDefault = int64_t{100} << 20;
  const char* text = test_hook("CKE_TEST_DEFRAG_MIN_FREE_BYTES");
  if (text == nullptr) {
    return kDefault;
  }
  int64_t bytes = 0;
  const auto [end, error] = std::from_chars(text, text + std::strlen(text), bytes);
  if (error != std::errc() || *end != '\0' || bytes < 0) {
    spdlog::warn("CKE_TEST_DEFRAG_MIN_FREE_BYTES=\"{}\" is not a number of bytes; using 100 MiB",
                 text);
    return kDefault;
  }
  return bytes;
}

void defragment_member(Context& ctx, const std::string& member) {
  int64_t size = 0;
  if (const auto* m = ctx.observed.member(member)) {
    size = m->db_size;
  }
  // Defragmentation rewrites the whole file: a minute, and a minute per GiB.
  const auto timeout = std::chrono::seconds(60) + std::chrono::seconds(60) * (size >> 30);
  ctx.env.etcd().client(cluster::client_endpoint(ctx.config, member))->defragment(timeout);
  spdlog::info("defragmented {}", member);
}

}  // namespace cke::ops
