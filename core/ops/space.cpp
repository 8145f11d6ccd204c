#include "core/ops/space.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "core/cluster/member_command.hpp"
#include "core/common/test_hooks.hpp"

namespace cke::ops {

int64_t defragment_min_free_bytes() {
  return test_hook_number("CKE_TEST_DEFRAG_MIN_FREE_BYTES", 0, int64_t{100} << 20);
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
