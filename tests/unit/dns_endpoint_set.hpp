// The endpoint set the coredns publisher's tests publish: three members in cluster.local, one of
// them IPv6, the second ready only when asked.
#pragma once

#include "cke/sdk/publisher.hpp"

namespace cke::test {

inline sdk::EndpointSet three_dns_members(bool second_ready = false) {
  return {"prod",
          "cke-etcd",
          "kube-system",
          "cluster.local",
          {{"10.0.0.1", "10.0.0.1", 2379, true, 2380},
           {"10.0.0.2", "10.0.0.2", 2379, second_ready, 2380},
           {"fd00::3", "fd00::3", 2379, true, 2380}}};
}

}  // namespace cke::test
