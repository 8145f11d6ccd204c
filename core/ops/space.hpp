// What recover-space and defragment share: defragmenting one member with a deadline that allows
// for its size.
#pragma once

#include <string>

#include "core/ops/run.hpp"

namespace cke::ops {

// When a member's free pages are worth a defragmentation (it blocks the member meanwhile): at
// least 45 % of the file and at least 100 MiB. CKE_TEST_DEFRAG_MIN_FREE_BYTES (a test hook)
// lowers the 100 MiB.
int64_t defragment_min_free_bytes();
inline constexpr double kDefragmentMinFreeRatio = 0.45;

void defragment_member(Context& ctx, const std::string& member);

}  // namespace cke::ops
