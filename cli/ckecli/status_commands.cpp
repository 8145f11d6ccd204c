// ckecli status | history
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/ckecli/commands.hpp"
#include "cli/ckecli/member_output.hpp"
#include "cli/common/output_format.hpp"

namespace cke::cli {
namespace {

struct StatusOptions {
  std::string output;
  int limit = 20;
};

nlohmann::ordered_json operation_json(const v1::Operation& o) {
  return {{"id", o.id()},
          {"operation", o.operation()},
          {"target", o.target()},
          {"started_at", o.started_at()},
          {"finished_at", o.finished_at()},
          {"result", o.result()},
          {"message", o.message()}};
}

}  // namespace

void add_status_commands(CLI::App& app, const Connection& connection) {
  auto options = std::make_shared<StatusOptions>();

  auto* status =
      app.add_subcommand("status", "the cluster's phase, members, health and last operation");
  add_output_flag(*status, options->output);
  status->callback([options, &connection] {
    v1::StatusResponse s;
    auto context = call_context();
    connection.check(connection.stub()->Status(context.get(), v1::Empty(), &s));
    if (options->output == "json") {
      nlohmann::ordered_json out = {
          {"cluster_name", s.cluster_name()}, {"phase", s.phase()},
          {"phase_detail", s.phase_detail()}, {"cluster_id", s.cluster_id()},
          {"auth_enabled", s.auth_enabled()}, {"leader", s.leader()}};
      out["members"] = nlohmann::ordered_json::array();
      for (const auto& m : s.members()) {
        out["members"].push_back(member_json(m));
      }
      out["backup_schedule"] = s.backup_schedule();
      out["last_backup"] =
          s.has_last_backup()
              ? nlohmann::ordered_json{{"name", s.last_backup().name()},
                                       {"finished_at", s.last_backup().finished_at()},
                                       {"result", s.last_backup().result()},
                                       {"size", s.last_backup().size()},
                                       {"message", s.last_backup().message()}}
              : nlohmann::ordered_json();
      out["last_operation"] =
          s.has_last_operation() ? operation_json(s.last_operation()) : nlohmann::ordered_json();
      out["publishers"] = nlohmann::ordered_json::array();
      for (const auto& p : s.publishers()) {
        out["publishers"].push_back({{"name", p.name()},
                                     {"plugin", p.plugin()},
                                     {"state", p.state()},
                                     {"published_at", p.published_at()},
                                     {"endpoints", p.endpoints()},
                                     {"ready", p.ready()},
                                     {"failures", p.failures()},
                                     {"error", p.error()}});
      }
      std::cout << out.dump(2) << "\n";
      return;
    }
    std::cout << "cluster:  " << s.cluster_name() << " ("
              << (s.cluster_id().empty() ? "not bootstrapped" : s.cluster_id())
              << ")\nphase:    " << s.phase()
              << (s.phase_detail().empty() ? "" : ": " + s.phase_detail())
              << "\nauth:     " << (s.auth_enabled() ? "enabled" : "not enabled")
              << "\nleader:   " << (s.leader().empty() ? "none" : s.leader()) << "\n";
    if (s.has_last_operation()) {
      const auto& o = s.last_operation();
      std::cout << "last op:  #" << o.id() << " " << o.operation()
                << (o.target().empty() ? "" : " " + o.target()) << ": " << o.result()
                << (o.message().empty() ? "" : " (" + o.message() + ")") << "\n";
    }
    if (!s.backup_schedule().empty()) {
      std::cout << "backups:  \"" << s.backup_schedule() << "\"";
      if (s.has_last_backup()) {
        const auto& b = s.last_backup();
        std::cout << "; last " << b.finished_at() << " " << b.result() << " "
                  << (b.result() == "ok" ? b.name() + " (" + std::to_string(b.size()) + " bytes)"
                                         : b.message());
      }
      std::cout << "\n";
    }
    for (const auto& p : s.publishers()) {
      std::cout << "publish:  " << p.name() << " (" << p.plugin() << "): " << p.state();
      if (p.state() == "failing") {
        std::cout << ", " << p.failures() << " failures in a row: " << p.error();
      } else if (p.state() == "published") {
        std::cout << " " << p.endpoints() << " endpoints, " << p.ready() << " ready, at "
                  << p.published_at();
      }
      std::cout << "\n";
    }
    std::cout << "\n";
    print_member_table(s.members());
  });

  auto* history =
      app.add_subcommand("history", "recent operations with their results, oldest first");
  add_output_flag(*history, options->output);
  history->add_option("--limit", options->limit, "how many (0: all that are kept)")
      ->capture_default_str();
  history->callback([options, &connection] {
    v1::HistoryRequest request;
    request.set_limit(options->limit);
    v1::HistoryResponse response;
    auto context = call_context();
    connection.check(connection.stub()->History(context.get(), request, &response));
    if (options->output == "json") {
      auto out = nlohmann::ordered_json::array();
      for (const auto& o : response.operations()) {
        out.push_back(operation_json(o));
      }
      std::cout << out.dump(2) << "\n";
      return;
    }
    std::printf("%-5s %-20s %-20s %-12s %-22s %s\n", "ID", "STARTED", "OPERATION", "RESULT",
                "TARGET", "MESSAGE");
    for (const auto& o : response.operations()) {
      std::printf("%-5lld %-20s %-20s %-12s %-22s %s\n", static_cast<long long>(o.id()),
                  o.started_at().c_str(), o.operation().c_str(), o.result().c_str(),
                  o.target().c_str(), o.message().c_str());
    }
  });
}

}  // namespace cke::cli
