// defragment: a member whose database file is mostly free pages gives them back. The member
// blocks while it runs, so one at a time, followers first, and the leader only after its
// leadership moved away.
#include "core/ops/membership.hpp"
#include "core/ops/space.hpp"

namespace cke::ops {

void run(Context& ctx, const Defragment& op) {
  move_leadership_away(ctx, op.member);
  defragment_member(ctx, op.member);
}

}  // namespace cke::ops
