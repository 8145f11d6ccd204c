#include "cli/cke/metrics_endpoint.hpp"

#include <spdlog/spdlog.h>

#include "core/common/error.hpp"
#include "core/pki/revocation.hpp"

namespace cke::cli {

MetricsEndpoint::MetricsEndpoint(const std::string& listen,
                                 const controller::Controller& controller,
                                 const publish::Publishing& publishing,
                                 pki::CertificateIssuer& issuer, bool serves_api,
                                 std::optional<int64_t> api_certificate_expiry) {
  metrics_ = std::make_shared<metrics::ClusterMetrics>(
      [&controller, &publishing, &issuer, serves_api, api_certificate_expiry] {
        metrics::Inputs in;
        in.status = controller.status();
        in.state = controller.state();
        in.leader_changes = controller.leader_changes();
        in.leading = controller.leadership().leading();
        in.publishers = publishing.status();
        // Only CAs that exist: asking the backend for one it lacks would create it.
        std::vector<std::string> cas;
        if (in.state.bootstrap_started) {
          cas = {"server", "peer", "client"};
        }
        if (serves_api) {
          cas.emplace_back("api");
        }
        for (const auto& name : cas) {
          try {
            in.certificate_expiry[{"ca", name}] =
                pki::certificate_info(issuer.ca_certificate(name)).not_after;
          } catch (const std::exception& e) {
            spdlog::debug("metrics: cannot read the {} CA: {}", name, e.what());
          }
        }
        if (api_certificate_expiry) {
          in.certificate_expiry[{"api", "cke"}] = *api_certificate_expiry;
        }
        return in;
      });
  try {
    exposer_ = std::make_unique<prometheus::Exposer>(listen);
  } catch (const std::exception& e) {
    throw Error("--metrics-listen " + listen + ": cannot listen there (" + e.what() +
                    "): is another process using it?",
                CKE_UNAVAILABLE);
  }
  exposer_->RegisterCollectable(metrics_);
  spdlog::info("metrics for Prometheus at http://{}/metrics", listen);
}

}  // namespace cke::cli
