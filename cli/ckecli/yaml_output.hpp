// JSON values printed as YAML, keys in the order given: what `ckecli etcd backup manifests`
// writes for kubectl and GitOps tools.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace cke::cli {

// One YAML document (no leading "---"), ending in a newline.
std::string to_yaml(const nlohmann::ordered_json& value);

}  // namespace cke::cli
