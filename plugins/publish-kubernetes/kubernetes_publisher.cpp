// The kubernetes publisher: the member endpoints as a Service, an Endpoints and an EndpointSlice
// named cke-etcd in kube-system (see endpoint_objects.hpp), so that applications in the cluster
// reach etcd as cke-etcd.kube-system.svc.<domain>. Each object is created when missing, replaced
// only when it says something else, retried when someone else changed it meanwhile (409), and
// deleted on withdraw — only when it carries cke's label. It also keeps cke's object sets (the
// Kubernetes backup method's) the same way, and fetches from the API server for cke (etcdbackup
// through the service proxy).
#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <set>
#include <span>
#include <string>

#include "cke/sdk/plugin.hpp"
#include "endpoint_objects.hpp"
#include "kube_client.hpp"

namespace cke::plugins::kubernetes {
namespace {

using nlohmann::json;

constexpr const char* kSchema = R"({"type":"object","additionalProperties":false,"properties":{
"kubeconfig":{"type":"string","description":"a kubeconfig file; without it, the Pod's service account"},
"context":{"type":"string","description":"the kubeconfig context; default its current-context"}}})";

// A resourceVersion conflict means someone else wrote in between: read again and retry.
constexpr int kConflictAttempts = 5;

[[noreturn]] void fail(const std::string& why) {
  throw sdk::Error(CKE_INVALID_ARGUMENT, "kubernetes publisher: " + why);
}

bool labelled_by_cke(const json& object) {
  const json labels = object.value("metadata", json::object()).value("labels", json::object());
  return labels.value(kManagedByLabel, "") == kManagedBy;
}

constexpr const char* kAppNameLabel = "app.kubernetes.io/name";

// "apps/v1" + "Deployment" → group "apps", version "v1", resource "deployments"; the core API
// ("v1") has group "".
struct Kind {
  std::string group;
  std::string version;
  std::string resource;
};

Kind parse_kind(const std::string& api_version, const std::string& kind) {
  if (kind.empty() || api_version.empty()) {
    fail("an object without apiVersion or kind");
  }
  Kind k;
  const auto slash = api_version.find('/');
  k.group = slash == std::string::npos ? "" : api_version.substr(0, slash);
  k.version = slash == std::string::npos ? api_version : api_version.substr(slash + 1);
  // The plural of every kind cke keeps is its lower-case name with an "s".
  for (const char c : kind) {
    k.resource += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  k.resource += "s";
  return k;
}

// "batch/v1/CronJob" → ("batch/v1", "CronJob").
Kind parse_kind_text(const std::string& text) {
  const auto slash = text.rfind('/');
  if (slash == std::string::npos) {
    fail("a kind without apiVersion: \"" + text + "\" (expected e.g. \"batch/v1/CronJob\")");
  }
  return parse_kind(text.substr(0, slash), text.substr(slash + 1));
}

// Names become parts of request paths and label selectors: lower-case letters, digits, '-' and
// '.' only (what Kubernetes allows in the names cke uses), so nothing else reaches a URL.
void check_name(const std::string& name, const std::string& what) {
  const bool valid =
      !name.empty() && name.size() <= 253 && name.front() != '.' && name.front() != '-' &&
      std::all_of(name.begin(), name.end(),
                  [](char c) {
                    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
                  }) &&
      name.find("..") == std::string::npos;
  if (!valid) {
    fail(what + " \"" + name + "\" is not a Kubernetes name");
  }
}

class KubernetesPublisher final : public sdk::ObjectPublisher {
 public:
  explicit KubernetesPublisher(std::string_view config_json) : client_(credentials(config_json)) {}

  void publish(const sdk::EndpointSet& set) override {
    const std::string ns = "/namespaces/" + set.namespace_name;
    apply("/api/v1" + ns + "/services", service_object(set));
    apply("/api/v1" + ns + "/endpoints", endpoints_object(set));
    const std::string slices =
        client_.group_version("discovery.k8s.io", "endpointslices", {"v1", "v1beta1"});
    apply("/apis/" + slices + ns + "/endpointslices", endpoint_slice_object(set, slices));
  }

  void withdraw(const sdk::EndpointSet& set) override {
    const std::string ns = "/namespaces/" + set.namespace_name;
    const std::string slices =
        client_.group_version("discovery.k8s.io", "endpointslices", {"v1", "v1beta1"});
    for (const std::string& collection :
         {"/apis/" + slices + ns + "/endpointslices", "/api/v1" + ns + "/endpoints",
          "/api/v1" + ns + "/services"}) {
      const std::string path = collection + "/" + set.service_name;
      const auto current = client_.get(path);
      if (!current || !labelled_by_cke(*current)) {
        continue;  // gone already, or not cke's to delete
      }
      const auto response = client_.request("DELETE", path);
      client_.expect(response, "DELETE", path, 200, 404);
    }
  }

  void apply_objects(const sdk::ObjectSet& set) override {
    check_name(set.set_name, "object set");
    check_name(set.namespace_name, "namespace");
    std::set<std::string> kept;  // collection path + "/" + name
    for (const std::string& text : set.objects) {
      json object = json::parse(text, nullptr, false);
      if (!object.is_object() || !object.contains("metadata") ||
          !object["metadata"].value("name", json()).is_string()) {
        fail("an object of set " + set.set_name + " is not a JSON object with metadata.name");
      }
      check_name(object["metadata"]["name"].get<std::string>(), "object");
      const std::string collection = collection_of(
          set.namespace_name, parse_kind(object.value("apiVersion", ""), object.value("kind", "")),
          object);
      object["metadata"]["namespace"] = set.namespace_name;
      object["metadata"]["labels"][kManagedByLabel] = kManagedBy;
      object["metadata"]["labels"][kAppNameLabel] = set.set_name;
      kept.insert(collection + "/" + object["metadata"]["name"].get<std::string>());
      apply(collection, object);
    }
    // What carries the set's labels and is no longer in it goes.
    const std::string selector = std::string(kManagedByLabel) + "%3D" + kManagedBy + "%2C" +
                                 kAppNameLabel + "%3D" + set.set_name;
    for (const std::string& kind_text : set.kinds) {
      json unused;
      std::string collection;
      try {
        collection = collection_of(set.namespace_name, parse_kind_text(kind_text), unused);
      } catch (const sdk::Error& e) {
        if (e.code() == CKE_NOT_FOUND) {
          continue;  // the server has no such API, so none of these exist
        }
        throw;
      }
      const auto list = client_.get(collection + "?labelSelector=" + selector);
      if (!list || !list->contains("items")) {
        continue;
      }
      for (const auto& item : (*list)["items"]) {
        const std::string path = collection + "/" + item["metadata"].value("name", std::string());
        if (kept.contains(path)) {
          continue;
        }
        // Background: what the object owns (a CronJob's Jobs) goes too, and nothing waits for
        // a garbage collector (batch/v1beta1 would orphan by default, behind a finalizer).
        const auto response = client_.request(
            "DELETE", path,
            {{"kind", "DeleteOptions"}, {"apiVersion", "v1"}, {"propagationPolicy", "Background"}});
        if (response.status != 404) {  // 404: gone meanwhile
          client_.expect(response, "DELETE", path, 200, 202);
        }
      }
    }
  }

  void fetch(const std::string& path, sdk::Writer& sink) override {
    if (path.empty() || path.front() != '/') {
      fail("fetch: the path must start with '/': \"" + path + "\"");
    }
    client_.download(path, [&](std::span<const uint8_t> data) { sink.write(data); });
  }

 private:
  // The collection of `kind` in namespace `ns`, in the version discovery finds served. Where the
  // server lacks the version asked for and serves v1beta1 (a 1.20 server's CronJobs), that
  // one, written into `object`'s apiVersion: cke's objects use only fields both versions have.
  std::string collection_of(const std::string& ns, const Kind& kind, json& object) {
    const std::string where = "/namespaces/" + ns + "/" + kind.resource;
    if (kind.group.empty()) {
      return "/api/" + kind.version + where;
    }
    std::vector<std::string> versions{kind.version};
    if (kind.version != "v1beta1") {
      versions.emplace_back("v1beta1");
    }
    const std::string group_version = client_.group_version(kind.group, kind.resource, versions);
    if (object.is_object()) {
      object["apiVersion"] = group_version;
    }
    return "/apis/" + group_version + where;
  }

  static kube::Credentials credentials(std::string_view config_json) {
    const auto config = json::parse(config_json, nullptr, false);
    if (!config.is_object()) {
      fail("the configuration is not a JSON object");
    }
    for (const auto& [key, value] : config.items()) {
      if (key != "kubeconfig" && key != "context") {
        fail("unknown key \"" + key + "\" (kubeconfig, context)");
      }
      if (!value.is_string()) {
        fail(key + " must be a string");
      }
    }
    const std::string kubeconfig = config.value("kubeconfig", "");
    return kubeconfig.empty() ? kube::in_cluster_credentials()
                              : kube::load_kubeconfig(kubeconfig, config.value("context", ""));
  }

  // Makes the object named as `desired` in `collection` say what `desired` says.
  void apply(const std::string& collection, json desired) {
    const std::string name = desired["metadata"]["name"];
    const std::string path = collection + "/" + name;
    for (int attempt = 1;; ++attempt) {
      const auto current = client_.get(path);
      kube::Response response;
      std::string method;
      if (!current) {
        method = "POST";
        response = client_.request(method, collection, desired);
        if (response.status == 201 || response.status == 200) {
          return;
        }
      } else {
        if (up_to_date(*current, desired)) {
          return;
        }
        if (!labelled_by_cke(*current)) {
          throw sdk::Error(CKE_FAILED_PRECONDITION,
                           "kube-apiserver " + client_.server() + ": " + path +
                               " exists and is not cke's (no label " + kManagedByLabel + "=" +
                               kManagedBy + "); delete it or label it so that cke may manage it");
        }
        // Replace what cke sets; keep what the server and others keep in metadata.
        json replacement = desired;
        replacement["metadata"] = (*current)["metadata"];
        replacement["metadata"]["labels"].update(desired["metadata"]["labels"]);
        if (current->contains("spec") && desired.contains("spec")) {
          replacement["spec"] = (*current)["spec"];
          replacement["spec"].update(desired["spec"]);
        }
        method = "PUT";
        response = client_.request(method, path, replacement);
        if (response.status == 200) {
          return;
        }
      }
      if (response.status != 409 || attempt >= kConflictAttempts) {
        client_.expect(response, method, method == "POST" ? collection : path, 200);
      }
    }
  }

  kube::Client client_;
};

}  // namespace
}  // namespace cke::plugins::kubernetes

CKE_PLUGINS(cke::sdk::publisher_plugin<cke::plugins::kubernetes::KubernetesPublisher>(
    {"kubernetes", "1.0.0",
     "member endpoints as the Service, Endpoints and EndpointSlice cke-etcd in kube-system",
     cke::plugins::kubernetes::kSchema}))
