#include "kubeconfig.hpp"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cke/sdk/error.hpp"

namespace fs = std::filesystem;

namespace cke::kube {
namespace {

[[noreturn]] void fail(const std::string& where, const std::string& why) {
  throw sdk::Error(CKE_INVALID_ARGUMENT, where + ": " + why);
}

std::string read_file(const fs::path& path, const std::string& where) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    fail(where, "cannot read " + path.string());
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string read_token(const fs::path& path, const std::string& where) {
  std::string token = read_file(path, where);
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) {
    token.pop_back();
  }
  return token;
}

std::string base64_decode(const std::string& text, const std::string& where) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t bits = 0;
  int count = 0;
  for (const char c : text) {
    if (c == '=' || c == '\n' || c == '\r' || c == ' ') {
      continue;
    }
    const auto value = kAlphabet.find(c);
    if (value == std::string_view::npos) {
      fail(where, "not base64");
    }
    bits = (bits << 6) | static_cast<uint32_t>(value);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xff));
    }
  }
  return out;
}

// The entry of `list` (clusters, users or contexts) called `name`, as its inner mapping.
YAML::Node named(const YAML::Node& list, const char* list_name, const char* inner,
                 const std::string& name, const std::string& file) {
  if (list && list.IsSequence()) {
    for (const auto& item : list) {
      if (item.IsMap() && item["name"] && item["name"].as<std::string>("") == name) {
        return item[inner];
      }
    }
  }
  fail(file, std::string(list_name) + ": no entry named \"" + name + "\"");
}

std::string text(const YAML::Node& node, const char* key) {
  return node && node.IsMap() && node[key] && node[key].IsScalar() ? node[key].as<std::string>()
                                                                   : "";
}

// `data` (base64) or the file `file_key` names, relative to the kubeconfig's directory.
std::string inline_or_file(const YAML::Node& node, const char* data_key, const char* file_key,
                           const fs::path& dir, const std::string& where) {
  if (const std::string data = text(node, data_key); !data.empty()) {
    return base64_decode(data, where + ": " + data_key);
  }
  if (const std::string file = text(node, file_key); !file.empty()) {
    const fs::path path = fs::path(file).is_absolute() ? fs::path(file) : dir / file;
    return read_file(path, where + ": " + file_key);
  }
  return "";
}

}  // namespace

Credentials load_kubeconfig(const std::string& path, const std::string& context) {
  return parse_kubeconfig(read_file(path, path), path, context);
}

Credentials parse_kubeconfig(const std::string& yaml, const std::string& path,
                             const std::string& context) {
  if (yaml.size() > kMaxKubeconfigBytes) {
    fail(path,
         std::to_string(yaml.size()) + " bytes; a kubeconfig of more than 1 MiB is a mistake");
  }
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    fail(path, "line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  if (!root.IsMap()) {
    fail(path, "not a kubeconfig (expected a mapping with clusters, users and contexts)");
  }
  try {
    const std::string context_name = context.empty() ? text(root, "current-context") : context;
    if (context_name.empty()) {
      fail(path, "current-context: not set; name a context");
    }
    const YAML::Node ctx = named(root["contexts"], "contexts", "context", context_name, path);
    const std::string cluster_name = text(ctx, "cluster");
    const std::string user_name = text(ctx, "user");
    const YAML::Node cluster = named(root["clusters"], "clusters", "cluster", cluster_name, path);
    const fs::path dir = fs::path(path).parent_path();
    Credentials c;
    c.server = text(cluster, "server");
    while (c.server.ends_with("/")) {
      c.server.pop_back();
    }
    if (!c.server.starts_with("https://")) {
      fail(path,
           "clusters[" + cluster_name + "].server: \"" + c.server + "\" is not an https:// URL");
    }
    c.ca_pem = inline_or_file(cluster, "certificate-authority-data", "certificate-authority", dir,
                              path + ": clusters[" + cluster_name + "]");
    c.insecure_skip_verify = text(cluster, "insecure-skip-tls-verify") == "true";
    c.namespace_name = text(ctx, "namespace");
    if (!user_name.empty()) {
      const YAML::Node user = named(root["users"], "users", "user", user_name, path);
      const std::string where = path + ": users[" + user_name + "]";
      c.client_cert_pem =
          inline_or_file(user, "client-certificate-data", "client-certificate", dir, where);
      c.client_key_pem = inline_or_file(user, "client-key-data", "client-key", dir, where);
      c.token = text(user, "token");
      if (c.token.empty() && !text(user, "tokenFile").empty()) {
        const fs::path file = text(user, "tokenFile");
        c.token_file = (file.is_absolute() ? file : dir / file).string();
        c.token = read_token(c.token_file, where + ": tokenFile");  // fails early when unreadable
      }
      if (c.client_cert_pem.empty() != c.client_key_pem.empty()) {
        fail(where, "a client certificate needs both client-certificate and client-key");
      }
    }
    return c;
  } catch (const YAML::Exception& e) {
    fail(path, e.msg);
  }
}

Credentials in_cluster_credentials() {
  const char* host = std::getenv("KUBERNETES_SERVICE_HOST");
  const char* port = std::getenv("KUBERNETES_SERVICE_PORT");
  if (host == nullptr || port == nullptr) {
    fail("in-cluster configuration",
         "KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set: not running in a Pod; "
         "give a kubeconfig instead");
  }
  const fs::path dir = "/var/run/secrets/kubernetes.io/serviceaccount";
  Credentials c;
  const std::string h = host;
  c.server = "https://" + (h.find(':') != std::string::npos ? "[" + h + "]" : h) + ":" + port;
  c.ca_pem = read_file(dir / "ca.crt", "in-cluster configuration");
  c.token_file = (dir / "token").string();
  c.token = read_token(c.token_file, "in-cluster configuration");
  c.namespace_name = "kube-system";
  return c;
}

std::string current_token(const Credentials& credentials) {
  return credentials.token_file.empty() ? credentials.token
                                        : read_token(credentials.token_file, "the bearer token");
}

}  // namespace cke::kube
