#include "core/ops/operation.hpp"

namespace cke::ops {
namespace {

template <class... Handlers>
struct Overloaded : Handlers... {
  using Handlers::operator()...;
};

}  // namespace

const char* phase_name(Phase phase) {
  switch (phase) {
    case Phase::no_cluster: return "no-cluster";
    case Phase::blocked: return "blocked";
    case Phase::bootstrapping: return "bootstrapping";
    case Phase::restoring: return "restoring";
    case Phase::needs_restore: return "needs-restore";
    case Phase::quorum_lost: return "quorum-lost";
    case Phase::starting_members: return "starting-members";
    case Phase::waiting_for_health: return "waiting-for-health";
    case Phase::setting_up_auth: return "setting-up-auth";
    case Phase::changing_membership: return "changing-membership";
    case Phase::replacing_member: return "replacing-member";
    case Phase::restarting_members: return "restarting-members";
    case Phase::renewing_certificates: return "renewing-certificates";
    case Phase::recovering_space: return "recovering-space";
    case Phase::defragmenting: return "defragmenting";
    case Phase::issuing_backup_certificate: return "issuing-backup-certificate";
    case Phase::healthy: return "healthy";
  }
  return "unknown";
}

std::string operation_name(const Operation& operation) {
  return std::visit(Overloaded{
                        [](const Bootstrap&) { return "bootstrap"; },
                        [](const ResumeBootstrap&) { return "resume-bootstrap"; },
                        [](const CompleteBootstrap&) { return "complete-bootstrap"; },
                        [](const StartMember&) { return "start-member"; },
                        [](const AuthSetup&) { return "auth-setup"; },
                        [](const ResumeRestore&) { return "resume-restore"; },
                        [](const AddLearner&) { return "add-learner"; },
                        [](const Promote&) { return "promote"; },
                        [](const RemoveMember&) { return "remove-member"; },
                        [](const ReplaceMember&) { return "replace-member"; },
                        [](const DropRemovedMember&) { return "drop-removed-member"; },
                        [](const RestartMember&) { return "restart-member"; },
                        [](const RenewCertificates&) { return "renew-certificates"; },
                        [](const RecoverSpace&) { return "recover-space"; },
                        [](const Defragment&) { return "defragment"; },
                        [](const IssueBackupCertificate&) { return "backup-certificate"; },
                    },
                    operation);
}

std::vector<std::string> operation_targets(const Operation& operation) {
  return std::visit(Overloaded{
                        [](const Bootstrap& op) { return op.members; },
                        [](const ResumeBootstrap& op) { return op.members; },
                        [](const CompleteBootstrap&) { return std::vector<std::string>{}; },
                        [](const AuthSetup&) { return std::vector<std::string>{}; },
                        [](const ResumeRestore&) { return std::vector<std::string>{}; },
                        [](const RecoverSpace&) { return std::vector<std::string>{}; },
                        [](const IssueBackupCertificate&) { return std::vector<std::string>{}; },
                        [](const auto& op) { return std::vector<std::string>{op.member}; },
                    },
                    operation);
}

}  // namespace cke::ops
