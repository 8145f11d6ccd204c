// Restoring the cluster from a snapshot file, crash-safely:
//   staging   the restored data of every member is built beside the old data (etcdctl
//             snapshot restore, a new cluster token) while the old cluster still serves;
//             a crash here rolls back: the staging data is dropped and the old cluster kept;
//   swapping  the members stop, each member's data is replaced by its restored data (the old
//             data kept aside), the members start; a crash here finishes the swap;
//   done      once the cluster is healthy, the old data is deleted.
// Users, roles and auth come back with the data; member certificates are issued afresh at start.
#pragma once

#include <filesystem>
#include <string>

#include "core/cluster/environment.hpp"
#include "core/config/cluster_config.hpp"
#include "core/state/state.hpp"
#include "core/stream/byte_stream.hpp"

namespace cke::ops {

// Restores every member from `snapshot` (an uncompressed etcd snapshot file with its trailer,
// already verified). `source` names it in messages and the state.
void restore_cluster(cluster::Environment& env, const config::ClusterConfig& config,
                     state::State& state, const std::filesystem::path& snapshot,
                     const std::string& source);
// After a crash during a restore, run(Context&, const ResumeRestore&) (core/ops/run.hpp) rolls
// back (staging) or finishes (swapping).

}  // namespace cke::ops
