// cke --metrics-listen HOST:PORT: cke's metrics for Prometheus at http://HOST:PORT/metrics.
#pragma once

#include <prometheus/exposer.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/controller/controller.hpp"
#include "core/metrics/cluster_metrics.hpp"
#include "core/pki/certificate_issuer.hpp"
#include "core/publish/publishing.hpp"

namespace cke::cli {

class MetricsEndpoint {
 public:
  // Listens at once; throws cke::Error naming --metrics-listen when it cannot. `serves_api`:
  // cke has the api CA (--listen); `api_certificate_expiry`: its own serving certificate's.
  MetricsEndpoint(const std::string& listen, const controller::Controller& controller,
                  const publish::Publishing& publishing, pki::CertificateIssuer& issuer,
                  bool serves_api, std::optional<int64_t> api_certificate_expiry);

 private:
  std::shared_ptr<metrics::ClusterMetrics> metrics_;
  std::unique_ptr<prometheus::Exposer> exposer_;
};

}  // namespace cke::cli
