// The operations the controller decides, as values: which one and on what. decide() returns one
// of these and the loop runs it (core/ops/run.hpp), so a decision can be compared in a test and
// re-made after a crash without running anything.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace cke::ops {

// What the cluster is doing or waiting for, as `ckecli status` shows it.
enum class Phase {
  no_cluster,           // no cluster.yml applied yet
  blocked,              // cke refuses to act until an operator does something
  bootstrapping,        // the first start of a new cluster
  restoring,            // a restore is being finished or rolled back
  needs_restore,        // data lost on so many members that only a restore brings the cluster back
  quorum_lost,          // too few voters run to form a quorum; nothing destructive is done
  starting_members,     // members with data but no process are started
  waiting_for_health,   // the cluster is not healthy and nothing else is safe to do
  setting_up_auth,      // users root and kube-apiserver, then auth enable
  changing_membership,  // adding, promoting or removing a member to follow cluster.yml
  replacing_member,     // a member whose data is lost is removed and added back
  restarting_members,   // members started with other parameters are restarted, one at a time
  renewing_certificates,       // member certificates near their end are replaced
  recovering_space,            // a NOSPACE alarm: compact, defragment every member, disarm
  defragmenting,               // giving a member's free pages back to the file system
  issuing_backup_certificate,  // the Kubernetes backup method's user and client certificate
  healthy,                     // every member healthy and in sync, membership as cluster.yml says
};

const char* phase_name(Phase phase);

// Record the intent (token, members), then start every member with a static initial cluster.
struct Bootstrap {
  std::vector<std::string> members;
};
// Start the members a crashed bootstrap did not start.
struct ResumeBootstrap {
  std::vector<std::string> members;
};
// The bootstrapped cluster became healthy: record it.
struct CompleteBootstrap {};
// A member with data and no process: start it, keeping its member ID.
struct StartMember {
  std::string member;
};
// Users root and kube-apiserver, then auth enable.
struct AuthSetup {};
// A restore was interrupted: roll back (staging) or finish (swapping).
struct ResumeRestore {};
// A control-plane node without a member: wipe its data, MemberAdd as a learner, start it with
// --initial-cluster-state=existing. Resumes an add whose learner was never started.
struct AddLearner {
  std::string member;
};
// A learner that caught up: MemberPromote, through the leader.
struct Promote {
  std::string member;
  uint64_t id = 0;
};
// A member of a node no longer in cluster.yml (or no longer control plane): move leadership
// away if it leads, MemberRemove, stop it, drop its data.
struct RemoveMember {
  std::string member;
  uint64_t id = 0;
};
// A member whose process is gone and whose data is lost: MemberRemove under its old ID; the
// node is then added again as a learner with a new ID (never restarted empty under the old one).
struct ReplaceMember {
  std::string member;
  uint64_t id = 0;
};
// A process or data left on a node that is no longer a member (a crash after MemberRemove, or a
// member etcd itself removed): stop it and drop the data, so it is never started again.
struct DropRemovedMember {
  std::string member;
};

// A member started with other parameters than cluster.yml now gives (extra_args, extra_env, or
// what this release starts members with): leadership moved away if it leads, stopped, started.
struct RestartMember {
  std::string member;
};
// Server and peer certificates with less than a third of their lifetime left: new ones written
// over them; etcd reads them at its next TLS handshake, so the member keeps running.
struct RenewCertificates {
  std::string member;
};

// A NOSPACE alarm (the cluster refuses writes): compact at the current revision, defragment
// every member, then disarm the alarms.
struct RecoverSpace {};
// A member whose database is mostly free pages: defragmented (it blocks while it runs), its
// leadership moved away first if it leads.
struct Defragment {
  std::string member;
};

// etcdbackup is wanted (etcd_backup.pvc_name) and its client certificate is missing or has
// less than a third of its lifetime left: user `backup` (role root) ensured, a new certificate
// issued into the data directory; the next pass puts it in etcdbackup's Secret.
struct IssueBackupCertificate {};

using Operation = std::variant<Bootstrap, ResumeBootstrap, CompleteBootstrap, StartMember,
                               AuthSetup, ResumeRestore, AddLearner, Promote, RemoveMember,
                               ReplaceMember, DropRemovedMember, RestartMember, RenewCertificates,
                               RecoverSpace, Defragment, IssueBackupCertificate>;

// The name in `ckecli history`, e.g. "add-learner".
std::string operation_name(const Operation& operation);
// The member addresses it acts on (empty for cluster-wide operations).
std::vector<std::string> operation_targets(const Operation& operation);

}  // namespace cke::ops
