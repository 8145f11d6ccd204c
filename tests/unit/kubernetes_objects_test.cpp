// The kubernetes publisher's objects and the kubeconfig reader of the Kubernetes client.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "kubeconfig.hpp"
#include "plugins/publish-kubernetes/endpoint_objects.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

using nlohmann::json;
namespace k8s = cke::plugins::kubernetes;

cke::sdk::EndpointSet members() {
  return {
      "prod",
      "cke-etcd",
      "kube-system",
      "cluster.local",
      {{"10.0.0.1", "10.0.0.1", 2379, true, 2380}, {"10.0.0.2", "10.0.0.2", 2379, false, 2380}}};
}

TEST(KubernetesObjects, AHeadlessServiceWithoutSelectorOnTheClientPort) {
  const json service = k8s::service_object(members());
  EXPECT_EQ(service["metadata"]["name"], "cke-etcd");
  EXPECT_EQ(service["metadata"]["namespace"], "kube-system");
  EXPECT_EQ(service["metadata"]["labels"]["app.kubernetes.io/managed-by"], "cke");
  EXPECT_EQ(service["spec"]["clusterIP"], "None");
  EXPECT_FALSE(service["spec"].contains("selector"));
  EXPECT_EQ(service["spec"]["ports"][0]["port"], 2379);
}

TEST(KubernetesObjects, EndpointsSplitReadyFromNotReadyAndStopMirroring) {
  const json endpoints = k8s::endpoints_object(members());
  EXPECT_EQ(endpoints["metadata"]["labels"]["endpointslice.kubernetes.io/skip-mirror"], "true");
  const json& subset = endpoints["subsets"][0];
  EXPECT_EQ(subset["addresses"], json::parse(R"([{"ip":"10.0.0.1"}])"));
  EXPECT_EQ(subset["notReadyAddresses"], json::parse(R"([{"ip":"10.0.0.2"}])"));
  EXPECT_EQ(subset["ports"][0]["port"], 2379);
}

TEST(KubernetesObjects, TheEndpointSliceBacksTheServiceInTheVersionTheServerHas) {
  const json slice = k8s::endpoint_slice_object(members(), "discovery.k8s.io/v1beta1");
  EXPECT_EQ(slice["apiVersion"], "discovery.k8s.io/v1beta1");
  EXPECT_EQ(slice["metadata"]["labels"]["kubernetes.io/service-name"], "cke-etcd");
  EXPECT_EQ(slice["metadata"]["labels"]["endpointslice.kubernetes.io/managed-by"], "cke");
  EXPECT_EQ(slice["addressType"], "IPv4");
  EXPECT_EQ(slice["endpoints"][1]["addresses"][0], "10.0.0.2");
  EXPECT_EQ(slice["endpoints"][1]["conditions"]["ready"], false);
}

TEST(KubernetesObjects, WhatTheServerAddsIsNoDifferenceButAStaleAddressIs) {
  const json desired = k8s::endpoints_object(members());
  json current = desired;
  current["metadata"]["resourceVersion"] = "42";
  current["metadata"]["labels"]["someone"] = "else";
  current["subsets"][0]["addresses"][0]["nodeName"] = "node1";  // a field the server may add
  EXPECT_TRUE(k8s::up_to_date(current, desired));

  auto all_ready = members();
  all_ready.endpoints[1].ready = true;
  // current still lists 10.0.0.2 as not ready; the desired object has no notReadyAddresses.
  EXPECT_FALSE(k8s::up_to_date(current, k8s::endpoints_object(all_ready)));
  current["metadata"]["labels"].erase("app.kubernetes.io/managed-by");
  EXPECT_FALSE(k8s::up_to_date(current, desired));
}

TEST(Kubeconfig, TheCurrentContextsClusterAndUserWithFilesRelativeToIt) {
  const cke::test::TempDir tmp;
  std::ofstream(tmp.path() / "ca.crt") << "CA PEM\n";
  std::ofstream(tmp.path() / "config") << R"(apiVersion: v1
kind: Config
current-context: admin@test
clusters:
- name: other
  cluster: {server: "https://10.9.9.9:6443"}
- name: test
  cluster: {server: "https://127.0.0.1:6443/", certificate-authority: ca.crt}
users:
- name: admin
  user: {client-certificate-data: Q0VSVA==, client-key-data: S0VZ}
contexts:
- name: admin@test
  context: {cluster: test, user: admin, namespace: kube-system}
)";
  const auto c = cke::kube::load_kubeconfig((tmp.path() / "config").string());
  EXPECT_EQ(c.server, "https://127.0.0.1:6443");
  EXPECT_EQ(c.ca_pem, "CA PEM\n");
  EXPECT_EQ(c.client_cert_pem, "CERT");
  EXPECT_EQ(c.client_key_pem, "KEY");
  EXPECT_EQ(c.namespace_name, "kube-system");
}

TEST(Kubeconfig, ATokenFileRelativeToItIsReadAgainForEveryRequest) {
  const cke::test::TempDir tmp;
  std::ofstream(tmp.path() / "token") << "first\n";
  std::ofstream(tmp.path() / "config") << R"(current-context: c
clusters: [{name: s, cluster: {server: "https://127.0.0.1:6443"}}]
users: [{name: u, user: {tokenFile: token}}]
contexts: [{name: c, context: {cluster: s, user: u}}]
)";
  const auto c = cke::kube::load_kubeconfig((tmp.path() / "config").string());
  EXPECT_EQ(c.token_file, (tmp.path() / "token").string());
  EXPECT_EQ(cke::kube::current_token(c), "first");
  std::ofstream(tmp.path() / "token") << "rotated";
  EXPECT_EQ(cke::kube::current_token(c), "rotated");
  std::filesystem::remove(tmp.path() / "token");
  EXPECT_THROW(cke::kube::current_token(c), cke::sdk::Error);
}

TEST(Kubeconfig, ErrorsNameTheFileAndTheField) {
  const cke::test::TempDir tmp;
  const auto error_of = [&](const std::string& text) {
    std::ofstream(tmp.path() / "config") << text;
    try {
      cke::kube::load_kubeconfig((tmp.path() / "config").string());
    } catch (const cke::sdk::Error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(error_of("contexts: []\n").find("current-context: not set"), std::string::npos);
  EXPECT_NE(error_of("current-context: x\ncontexts: []\n").find("contexts: no entry named \"x\""),
            std::string::npos);
  EXPECT_NE(error_of("current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\n"
                     "clusters: [{name: c, cluster: {server: 'http://h:80'}}]\n")
                .find("is not an https:// URL"),
            std::string::npos);
  EXPECT_NE(error_of("[1, 2\n").find("config: line"), std::string::npos);
}

}  // namespace
