// What cke remembers between runs. Everything the controller decides from is either observed
// from the members or recorded here, so a controller killed at any point resumes safely.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cke::state {

struct OperationRecord {
  int64_t id = 0;
  std::string operation;    // "bootstrap", "start-member", "auth-setup", "user-add", …
  std::string target;       // a member address, a user name, or ""
  std::string started_at;   // RFC 3339 UTC
  std::string finished_at;  // "" while running
  std::string result;       // "running", "ok", "error", "interrupted"
  std::string message;
};

// A client certificate cke issued (client CA: users and root), so that it can be revoked.
struct CertificateRecord {
  std::string serial;       // hexadecimal, as OpenSSL prints it
  std::string common_name;  // the etcd user it authenticates as
  int64_t not_after = 0;    // unix seconds; the record is dropped once this has passed
  int64_t revoked_at = 0;   // unix seconds; 0: not revoked
};

// What cke started a member with, for deciding restarts and certificate renewals.
struct MemberRecord {
  std::string address;
  std::string parameters;              // member_parameters() at its last start; "": unknown
  std::string etcd_version;            // the runtime's etcd version at its last start; "": unknown
  int64_t certificates_issued_at = 0;  // unix seconds; 0: unknown
  int64_t certificates_expire_at = 0;  // the earlier notAfter of its server and peer certificate
  // The node as cluster.yml described it when the member was started: a remote runtime still
  // logs in to it once the node has left cluster.yml (to stop the member, drop its data).
  std::string hostname;
  std::string user;
};

// The state file's format. 1: before member records and this number (no "format" key); 2: now.
// A newer format than this is refused rather than misread.
inline constexpr int kStateFormat = 2;

struct State {
  int format = kStateFormat;  // as loaded; saved always as kStateFormat

  std::string cluster_yaml;    // the applied cluster.yml, verbatim; empty: no cluster yet
  std::string cluster_source;  // the file name it was applied from

  bool bootstrap_started = false;    // from here on, never a second bootstrap
  std::string cluster_token;         // --initial-cluster-token of the bootstrap
  std::vector<std::string> members;  // member addresses as bootstrapped
  bool bootstrapped = false;         // the cluster was healthy with every member once
  std::string cluster_id;            // hex, from the members once bootstrapped
  bool auth_enabled = false;         // users root and kube-apiserver set up, auth enabled

  // A restore under way (empty phase: none). "staging": the old cluster still serves and is kept
  // on a crash; "swapping": the restored data replaces it, and a crash finishes the swap.
  std::string restore_phase;
  std::string restore_source;  // the backup or file, for messages
  std::string restore_token;   // the new cluster token the restored members use
  uint64_t restore_bytes = 0;  // the snapshot's size: restored members load that much first

  // Scheduled backups.
  std::string backup_schedule;   // the schedule last_backup_fire belongs to
  int64_t last_backup_fire = 0;  // unix seconds of the last fire time handled (0: none)
  std::string last_backup_name;
  std::string last_backup_at;      // RFC 3339 UTC, when it finished
  std::string last_backup_result;  // "ok" or "error"
  uint64_t last_backup_size = 0;   // stored bytes
  std::string last_backup_message;
  // The Kubernetes backup method: etcdbackup's client certificate (user `backup`), kept in the
  // data directory; unix seconds, 0: none issued.
  int64_t backup_certificate_issued_at = 0;
  int64_t backup_certificate_expires_at = 0;

  std::vector<CertificateRecord> certificates;  // unexpired client certificates, oldest first
  std::vector<MemberRecord> member_records;     // one per member cke started

  [[nodiscard]] const MemberRecord* member_record(const std::string& address) const {
    for (const auto& r : member_records) {
      if (r.address == address) {
        return &r;
      }
    }
    return nullptr;
  }
  MemberRecord& member_record_for(const std::string& address) {
    for (auto& r : member_records) {
      if (r.address == address) {
        return r;
      }
    }
    MemberRecord record;
    record.address = address;
    return member_records.emplace_back(std::move(record));
  }

  std::vector<OperationRecord> history;  // oldest first, capped
  int64_t next_operation_id = 1;
};

inline constexpr size_t kHistoryLimit = 500;

// The one interface the core keeps state behind: a file in the data directory now, an external
// etcd with leader election later.
class StateStore {
 public:
  StateStore() = default;
  StateStore(const StateStore&) = delete;
  StateStore& operator=(const StateStore&) = delete;
  virtual ~StateStore() = default;
  virtual State load() = 0;
  // Durable when it returns: a crash afterwards loads exactly this state.
  virtual void save(const State& state) = 0;
};

}  // namespace cke::state
