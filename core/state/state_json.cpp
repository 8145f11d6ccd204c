#include "core/state/state_json.hpp"

#include <nlohmann/json.hpp>

#include "core/common/error.hpp"

namespace cke::state {
namespace {

using nlohmann::ordered_json;

ordered_json to_json(const OperationRecord& r) {
  return {{"id", r.id},
          {"operation", r.operation},
          {"target", r.target},
          {"started_at", r.started_at},
          {"finished_at", r.finished_at},
          {"result", r.result},
          {"message", r.message}};
}

OperationRecord record_from(const ordered_json& j) {
  OperationRecord r;
  r.id = j.value("id", int64_t{0});
  r.operation = j.value("operation", "");
  r.target = j.value("target", "");
  r.started_at = j.value("started_at", "");
  r.finished_at = j.value("finished_at", "");
  r.result = j.value("result", "");
  r.message = j.value("message", "");
  return r;
}

ordered_json to_json(const CertificateRecord& c) {
  return {{"serial", c.serial},
          {"common_name", c.common_name},
          {"not_after", c.not_after},
          {"revoked_at", c.revoked_at}};
}

CertificateRecord certificate_from(const ordered_json& j) {
  CertificateRecord c;
  c.serial = j.value("serial", "");
  c.common_name = j.value("common_name", "");
  c.not_after = j.value("not_after", int64_t{0});
  c.revoked_at = j.value("revoked_at", int64_t{0});
  return c;
}

ordered_json to_json(const MemberRecord& m) {
  return {{"address", m.address},
          {"parameters", m.parameters},
          {"etcd_version", m.etcd_version},
          {"certificates_issued_at", m.certificates_issued_at},
          {"certificates_expire_at", m.certificates_expire_at},
          {"hostname", m.hostname},
          {"user", m.user}};
}

MemberRecord member_from(const ordered_json& j) {
  MemberRecord m;
  m.address = j.value("address", "");
  m.parameters = j.value("parameters", "");
  m.etcd_version = j.value("etcd_version", "");
  m.certificates_issued_at = j.value("certificates_issued_at", int64_t{0});
  m.certificates_expire_at = j.value("certificates_expire_at", int64_t{0});
  m.hostname = j.value("hostname", "");
  m.user = j.value("user", "");
  return m;
}

void read_fields(const ordered_json& j, const std::string& where, State& state) {
  // Format 1 (no "format" key) differs only by lacking member records: its members are restarted
  // once, one at a time, so that they run with what this release starts them with.
  state.format = j.value("format", 1);
  if (state.format > kStateFormat) {
    throw Error(where + ": state format " + std::to_string(state.format) +
                    " was written by a newer cke (this one reads up to " +
                    std::to_string(kStateFormat) + "); run that cke or a newer one",
                CKE_FAILED_PRECONDITION);
  }
  state.cluster_yaml = j.value("cluster_yaml", "");
  state.cluster_source = j.value("cluster_source", "");
  state.bootstrap_started = j.value("bootstrap_started", false);
  state.cluster_token = j.value("cluster_token", "");
  state.members = j.value("members", std::vector<std::string>{});
  state.bootstrapped = j.value("bootstrapped", false);
  state.cluster_id = j.value("cluster_id", "");
  state.auth_enabled = j.value("auth_enabled", false);
  state.next_operation_id = j.value("next_operation_id", int64_t{1});
  state.restore_phase = j.value("restore_phase", "");
  state.restore_source = j.value("restore_source", "");
  state.restore_token = j.value("restore_token", "");
  state.restore_bytes = j.value("restore_bytes", uint64_t{0});
  state.backup_schedule = j.value("backup_schedule", "");
  state.last_backup_fire = j.value("last_backup_fire", int64_t{0});
  state.last_backup_name = j.value("last_backup_name", "");
  state.last_backup_at = j.value("last_backup_at", "");
  state.last_backup_result = j.value("last_backup_result", "");
  state.last_backup_size = j.value("last_backup_size", uint64_t{0});
  state.backup_certificate_issued_at = j.value("backup_certificate_issued_at", int64_t{0});
  state.backup_certificate_expires_at = j.value("backup_certificate_expires_at", int64_t{0});
  state.last_backup_message = j.value("last_backup_message", "");
  for (const auto& c : j.value("certificates", ordered_json::array())) {
    state.certificates.push_back(certificate_from(c));
  }
  for (const auto& m : j.value("member_records", ordered_json::array())) {
    state.member_records.push_back(member_from(m));
  }
  for (const auto& r : j.value("history", ordered_json::array())) {
    state.history.push_back(record_from(r));
  }
}

}  // namespace

State state_from_json(const std::string& text, const std::string& where,
                      const std::string& recovery) {
  State state;
  ordered_json j;
  try {
    j = ordered_json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw Error(where + ": corrupt state (" + e.what() + "); " + recovery, CKE_DATA_LOSS);
  }
  if (!j.is_object()) {
    throw Error(where + ": corrupt state (not a JSON object); " + recovery, CKE_DATA_LOSS);
  }
  try {
    read_fields(j, where, state);
  } catch (const nlohmann::json::exception& e) {  // a field of the wrong type
    throw Error(where + ": corrupt state (" + e.what() + "); " + recovery, CKE_DATA_LOSS);
  }
  return state;
}

std::string state_to_json(const State& state) {
  ordered_json j;
  j["format"] = kStateFormat;
  j["cluster_yaml"] = state.cluster_yaml;
  j["cluster_source"] = state.cluster_source;
  j["bootstrap_started"] = state.bootstrap_started;
  j["cluster_token"] = state.cluster_token;
  j["members"] = state.members;
  j["bootstrapped"] = state.bootstrapped;
  j["cluster_id"] = state.cluster_id;
  j["auth_enabled"] = state.auth_enabled;
  j["next_operation_id"] = state.next_operation_id;
  j["restore_phase"] = state.restore_phase;
  j["restore_source"] = state.restore_source;
  j["restore_token"] = state.restore_token;
  j["restore_bytes"] = state.restore_bytes;
  j["backup_schedule"] = state.backup_schedule;
  j["last_backup_fire"] = state.last_backup_fire;
  j["last_backup_name"] = state.last_backup_name;
  j["last_backup_at"] = state.last_backup_at;
  j["last_backup_result"] = state.last_backup_result;
  j["last_backup_size"] = state.last_backup_size;
  j["backup_certificate_issued_at"] = state.backup_certificate_issued_at;
  j["backup_certificate_expires_at"] = state.backup_certificate_expires_at;
  j["last_backup_message"] = state.last_backup_message;
  j["certificates"] = ordered_json::array();
  for (const auto& c : state.certificates) {
    j["certificates"].push_back(to_json(c));
  }
  j["member_records"] = ordered_json::array();
  for (const auto& m : state.member_records) {
    j["member_records"].push_back(to_json(m));
  }
  j["history"] = ordered_json::array();
  const size_t skip =
      state.history.size() > kHistoryLimit ? state.history.size() - kHistoryLimit : 0;
  for (size_t i = skip; i < state.history.size(); ++i) {
    j["history"].push_back(to_json(state.history[i]));
  }
  return j.dump(2) + "\n";
}

}  // namespace cke::state
