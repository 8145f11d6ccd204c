#include "cli/ckecli/member_output.hpp"

#include <cstdio>

namespace cke::cli {

nlohmann::ordered_json member_json(const v1::Member& m) {
  return {{"name", m.name()},
          {"address", m.address()},
          {"id", m.id()},
          {"peer_urls", std::vector<std::string>(m.peer_urls().begin(), m.peer_urls().end())},
          {"client_urls", std::vector<std::string>(m.client_urls().begin(), m.client_urls().end())},
          {"is_learner", m.is_learner()},
          {"runtime_state", m.runtime_state()},
          {"pid", m.pid()},
          {"healthy", m.healthy()},
          {"in_sync", m.in_sync()},
          {"is_leader", m.is_leader()},
          {"db_size", m.db_size()},
          {"revision", m.revision()},
          {"etcd_version", m.etcd_version()},
          {"installed_etcd_version", m.installed_etcd_version()},
          {"certificates_expire_at", m.certificates_expire_at()},
          {"error", m.error()}};
}

void print_member_table(const google::protobuf::RepeatedPtrField<v1::Member>& members) {
  std::printf("%-16s %-17s %-8s %-8s %-8s %-7s %10s %9s\n", "NAME", "ID", "STATE", "HEALTHY",
              "IN-SYNC", "LEADER", "DB-SIZE", "REVISION");
  for (const auto& m : members) {
    std::printf("%-16s %-17s %-8s %-8s %-8s %-7s %10lld %9lld\n", m.name().c_str(), m.id().c_str(),
                m.runtime_state().c_str(), m.healthy() ? "yes" : "no", m.in_sync() ? "yes" : "no",
                m.is_leader() ? "yes" : "", static_cast<long long>(m.db_size()),
                static_cast<long long>(m.revision()));
    if (!m.error().empty()) {
      std::printf("  %s\n", m.error().c_str());
    }
  }
}

}  // namespace cke::cli
