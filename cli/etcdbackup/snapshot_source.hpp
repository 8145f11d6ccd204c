// Which member etcdbackup takes a snapshot from, without cke's controller: the endpoints it was
// given, asked for their status; a follower that answers is preferred (the leader keeps its hands
// free), else the leader.
#pragma once

#include <string>
#include <vector>

#include "core/backup/pipeline.hpp"
#include "core/etcd/tls_identity.hpp"

namespace cke::etcdbackup {

// `endpoints` are host:port or https://host:port. Throws cke::Error(CKE_UNAVAILABLE) naming
// every endpoint's failure when none answers.
backup::SnapshotSource pick_snapshot_source(const std::vector<std::string>& endpoints,
                                            const etcd::TlsIdentity& identity);

}  // namespace cke::etcdbackup
