// The kubernetes publisher: the member endpoints as a Service, an Endpoints and an EndpointSlice
// named cke-etcd in kube-system (see endpoint_objects.hpp), so that applications in the cluster
// reach etcd as cke-etcd.kube-system.svc.<domain>. Each object is created when missing, replaced
// only when it says something else, retried when someone else changed it meanwhile (409), and
// deleted on withdraw — only when it carries cke's label.
#include <nlohmann/json.hpp>
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

class KubernetesPublisher final : public sdk::Publisher {
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

 private:
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
