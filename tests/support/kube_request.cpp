// cke-test-kube: one request through cke's Kubernetes API client (plugins/kube-client), so that
// the end-to-end tests see the client's own answers against a real or stand-in API server:
//   cke-test-kube KUBECONFIG discover GROUP RESOURCE VERSION...  prints the group version chosen
//   cke-test-kube KUBECONFIG METHOD PATH [BODY-JSON]     prints the answer's body; for any status
//                                                        but 200/201, the client's error on stderr
// An empty KUBECONFIG: the service account of the Pod it runs in.
// Exit status: 0 when the client succeeded, 1 with the client's one-line error on stderr.
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cke/sdk/plugin.hpp"
#include "kube_client.hpp"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() < 3) {
    std::cerr << "usage: cke-test-kube KUBECONFIG (discover GROUP RESOURCE VERSION... | METHOD "
                 "PATH [BODY])\n";
    return 2;
  }
  try {
    cke::kube::Client client(args[0].empty() ? cke::kube::in_cluster_credentials()
                                             : cke::kube::load_kubeconfig(args[0]));
    if (args[1] == "discover") {
      if (args.size() < 5) {
        std::cerr << "cke-test-kube: discover needs GROUP, RESOURCE and at least one VERSION\n";
        return 2;
      }
      std::cout << client.group_version(args[2], args[3], {args.begin() + 4, args.end()}) << "\n";
      return 0;
    }
    const nlohmann::json body = args.size() > 3 ? nlohmann::json::parse(args[3]) : nullptr;
    const auto response = client.request(args[1], args[2], body);
    client.expect(response, args[1], args[2], 200, 201);
    std::cout << response.body.dump() << "\n";
    return 0;
  } catch (const std::exception& error) {
    std::cerr << error.what() << "\n";
    return 1;
  }
}
