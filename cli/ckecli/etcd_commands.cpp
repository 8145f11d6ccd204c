// ckecli etcd: root-issue, issue, user-add, user-list, user-remove, member list.
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/ckecli/commands.hpp"
#include "cli/ckecli/member_output.hpp"
#include "cli/common/duration.hpp"
#include "cli/common/output_format.hpp"
#include "core/common/atomic_file.hpp"
#include "core/common/error.hpp"
#include "core/common/names.hpp"
#include "core/pki/certificate_issuer.hpp"

namespace cke::cli {
namespace {

struct EtcdOptions {
  std::string cert_output;  // one variable per command: each has its own default
  std::string users_output;
  std::string members_output;
  std::string ttl;
  std::string key_type;
  std::string user;
  std::string prefix;
  bool force = false;
  std::string certs_output;
  std::string revoke_target;
};

void add_cert_commands(CLI::App& etcd, const Connection& connection,
                       const std::shared_ptr<EtcdOptions>& options) {
  auto* cert = etcd.add_subcommand("cert", "client certificates cke issued, and their revocation");
  cert->require_subcommand(1);
  auto* list = cert->add_subcommand("list", "list the unexpired client certificates cke issued");
  add_output_flag(*list, options->certs_output);
  list->callback([options, &connection] {
    v1::CertListResponse response;
    auto context = call_context();
    connection.check(connection.stub()->CertList(context.get(), v1::Empty(), &response));
    if (options->certs_output == "json") {
      auto out = nlohmann::ordered_json::array();
      for (const auto& c : response.certificates()) {
        out.push_back({{"serial", c.serial()},
                       {"common_name", c.common_name()},
                       {"not_after", c.not_after()},
                       {"revoked", c.revoked()},
                       {"revoked_at", c.revoked_at()}});
      }
      std::cout << out.dump(2) << "\n";
      return;
    }
    std::printf("%-34s %-24s %-22s %s\n", "SERIAL", "USER", "NOT AFTER", "REVOKED");
    for (const auto& c : response.certificates()) {
      std::printf("%-34s %-24s %-22s %s\n", c.serial().c_str(), c.common_name().c_str(),
                  c.not_after().c_str(), c.revoked() ? c.revoked_at().c_str() : "-");
    }
  });
  auto* revoke = cert->add_subcommand(
      "revoke", "revoke a client certificate by serial, or every certificate of a user");
  revoke->add_option("SERIAL|USER", options->revoke_target, "a serial (hex) or a user name")
      ->required();
  revoke->callback([options, &connection] {
    v1::CertRevokeRequest request;
    request.set_target(options->revoke_target);
    v1::CertRevokeResponse response;
    auto context = call_context();
    connection.check(connection.stub()->CertRevoke(context.get(), request, &response));
    if (response.serials().empty()) {
      std::cout << "already revoked: " << options->revoke_target << "\n";
    }
    for (const auto& serial : response.serials()) {
      std::cout << "revoked " << serial << "\n";
    }
  });
}

// {"certificate", "private_key", "ca_certificate"} in that order, or three files in the current
// directory: etcd-ca.crt, etcd-USER.crt, etcd-USER.key, all 0600 (only the owner needs them).
void print_certificate(const v1::Certificate& cert, const std::string& user,
                       const std::string& output) {
  if (!cert.warning().empty()) {
    std::cerr << "ckecli: warning: " << cert.warning() << "\n";
  }
  if (output == "file") {
    write_file_atomically("etcd-ca.crt", cert.ca_certificate(), 0600);
    write_file_atomically("etcd-" + user + ".crt", cert.certificate(), 0600);
    write_file_atomically("etcd-" + user + ".key", cert.private_key(), 0600);
    std::cout << "wrote etcd-ca.crt, etcd-" << user << ".crt, etcd-" << user << ".key\n";
    return;
  }
  const nlohmann::ordered_json json = {{"certificate", cert.certificate()},
                                       {"private_key", cert.private_key()},
                                       {"ca_certificate", cert.ca_certificate()}};
  std::cout << json.dump(2) << "\n";
}

CLI::Option* add_cert_output_flag(CLI::App& command, std::string& output) {
  return add_output_flag(command, output, "json", {"json", "file"});
}

}  // namespace

void add_etcd_commands(CLI::App& app, const Connection& connection) {
  auto* etcd = app.add_subcommand("etcd", "certificates, users and members of the etcd cluster");
  etcd->require_subcommand(1);
  auto options = std::make_shared<EtcdOptions>();

  auto* root_issue = etcd->add_subcommand(
      "root-issue", "issue a client certificate for the root user, valid for 2 hours");
  add_cert_output_flag(*root_issue, options->cert_output);
  root_issue->callback([options, &connection] {
    v1::Certificate cert;
    auto context = call_context();
    connection.check(connection.stub()->RootIssue(context.get(), v1::Empty(), &cert));
    print_certificate(cert, "root", options->cert_output);
  });

  auto* issue = etcd->add_subcommand("issue", "issue a client certificate for USER");
  issue
      ->add_option("--ttl", options->ttl,
                   "validity, a Go duration (24h, 90m, 1h30m); at most 87600h")
      ->default_str("87600h");
  add_cert_output_flag(*issue, options->cert_output);
  options->key_type = "ecdsa";
  issue->add_option("--key-type", options->key_type, "ecdsa (P-256) or rsa (2048 bits)")
      ->check(CLI::IsMember({"ecdsa", "rsa"}))
      ->capture_default_str();
  issue->add_option("USER", options->user, "etcd user name (the certificate's common name)")
      ->required();
  issue->callback([options, &connection] {
    v1::IssueRequest request;
    if (options->user.empty()) {
      throw Error("USER is empty: name the etcd user the certificate is for", CKE_INVALID_ARGUMENT);
    }
    request.set_user(options->user);
    if (!options->ttl.empty()) {
      const auto ttl = parse_duration(options->ttl);
      pki::check_certificate_ttl(ttl, "-ttl");  // before cke is asked
      request.set_ttl_seconds(ttl.count());
    }
    request.set_key_type(options->key_type);
    v1::Certificate cert;
    auto context = call_context();
    connection.check(connection.stub()->Issue(context.get(), request, &cert));
    print_certificate(cert, options->user, options->cert_output);
  });

  auto* user_add = etcd->add_subcommand(
      "user-add", "create etcd user USER with read-write access to keys starting with PREFIX");
  user_add->add_option("USER", options->user, "user name")->required();
  user_add->add_option("PREFIX", options->prefix, "key prefix, e.g. /app/")->required();
  user_add->add_flag("--force", options->force,
                     "allow the prefix / and prefixes that overlap another user's");
  user_add->callback([options, &connection] {
    check_user_name(options->user);  // the same check cke makes, without a round trip
    if (options->prefix.empty()) {
      throw Error("PREFIX is empty: give the key prefix the user may read and write",
                  CKE_INVALID_ARGUMENT);
    }
    v1::UserAddRequest request;
    request.set_user(options->user);
    request.set_prefix(options->prefix);
    request.set_force(options->force);
    v1::UserAddResponse response;
    auto context = call_context();
    connection.check(connection.stub()->UserAdd(context.get(), request, &response));
    std::cout << (response.completed_earlier_attempt() ? "completed user " : "added user ")
              << options->user << " with prefix " << options->prefix << "\n";
  });

  auto* user_list = etcd->add_subcommand("user-list", "list etcd users, their roles and prefixes");
  add_output_flag(*user_list, options->users_output);
  user_list->callback([options, &connection] {
    v1::UserListResponse response;
    auto context = call_context();
    connection.check(connection.stub()->UserList(context.get(), v1::Empty(), &response));
    if (options->users_output == "json") {
      auto out = nlohmann::ordered_json::array();
      for (const auto& u : response.users()) {
        out.push_back(
            {{"name", u.name()},
             {"roles", std::vector<std::string>(u.roles().begin(), u.roles().end())},
             {"prefixes", std::vector<std::string>(u.prefixes().begin(), u.prefixes().end())}});
      }
      std::cout << out.dump(2) << "\n";
      return;
    }
    std::printf("%-24s %-24s %s\n", "USER", "ROLES", "PREFIXES");
    for (const auto& u : response.users()) {
      std::string roles;
      for (const auto& r : u.roles()) {
        roles += (roles.empty() ? "" : ",") + r;
      }
      std::string prefixes;
      for (const auto& p : u.prefixes()) {
        prefixes += (prefixes.empty() ? "" : ",") + p;
      }
      std::printf("%-24s %-24s %s\n", u.name().c_str(), roles.c_str(), prefixes.c_str());
    }
  });

  auto* user_remove = etcd->add_subcommand("user-remove", "remove etcd user USER and its role");
  user_remove->add_option("USER", options->user, "user name")->required();
  user_remove->callback([options, &connection] {
    check_user_name(options->user);
    v1::UserRemoveRequest request;
    request.set_user(options->user);
    v1::Empty response;
    auto context = call_context();
    connection.check(connection.stub()->UserRemove(context.get(), request, &response));
    std::cout << "removed user " << options->user << "\n";
  });

  add_backup_commands(*etcd, connection);
  add_cert_commands(*etcd, connection, options);

  auto* member = etcd->add_subcommand("member", "etcd members");
  member->require_subcommand(1);
  auto* member_list = member->add_subcommand("list", "list the members as cke last observed them");
  add_output_flag(*member_list, options->members_output);
  member_list->callback([options, &connection] {
    v1::MemberListResponse response;
    auto context = call_context();
    connection.check(connection.stub()->MemberList(context.get(), v1::Empty(), &response));
    if (options->members_output == "json") {
      auto out = nlohmann::ordered_json::array();
      for (const auto& m : response.members()) {
        out.push_back(member_json(m));
      }
      std::cout << out.dump(2) << "\n";
    } else {
      print_member_table(response.members());
    }
  });
}

}  // namespace cke::cli
