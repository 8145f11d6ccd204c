// cke --migrate-state: one cke's data directory (state, history, CAs) into a state etcd, so that
// the same cluster is then run by cke processes sharing that etcd — no second bootstrap.
#pragma once

#include <filesystem>

#include "core/state/state.hpp"
#include "core/state/state_etcd.hpp"

namespace cke::state {

// One transaction that writes the state and every CA file, and only if the state etcd holds
// neither a state nor CAs: a state etcd already in use is refused, naming what it holds.
void migrate_to_state_etcd(StateEtcd& etcd, const State& state,
                           const std::filesystem::path& ca_dir);

}  // namespace cke::state
