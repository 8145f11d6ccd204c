// The objects the kubernetes publisher keeps in the endpoint set's namespace (kube-system), all
// named after its service (cke-etcd) and labelled as cke's:
// - a Service without selector, headless (clusterIP None), port 2379 named "client";
// - an Endpoints with the ready members under addresses and the others under notReadyAddresses,
//   labelled so that the EndpointSlice mirroring controller leaves it alone;
// - an EndpointSlice (discovery.k8s.io v1 or v1beta1, whichever the server has) with every member
//   and its readiness, labelled kubernetes.io/service-name so that it backs the Service.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "cke/sdk/publisher.hpp"

namespace cke::plugins::kubernetes {

inline constexpr const char* kManagedByLabel = "app.kubernetes.io/managed-by";
inline constexpr const char* kManagedBy = "cke";
inline constexpr const char* kSliceControllerLabel = "endpointslice.kubernetes.io/managed-by";
inline constexpr const char* kSliceController = "cke";

nlohmann::json service_object(const sdk::EndpointSet& set);
nlohmann::json endpoints_object(const sdk::EndpointSet& set);
// `group_version`: "discovery.k8s.io/v1" or "discovery.k8s.io/v1beta1" (whose readiness field
// and topology differ only in fields cke does not set).
nlohmann::json endpoint_slice_object(const sdk::EndpointSet& set, const std::string& group_version);

// Whether `current` (as the server returned it) already says what `desired` says, in the fields
// cke sets: labels it gives, and everything outside metadata except status.
bool up_to_date(const nlohmann::json& current, const nlohmann::json& desired);

}  // namespace cke::plugins::kubernetes
