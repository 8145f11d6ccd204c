#include "core/ops/run.hpp"

namespace cke::ops {

void run(Context& ctx, const Operation& operation) {
  std::visit([&](const auto& op) { run(ctx, op); }, operation);
}

}  // namespace cke::ops
