// cke's own etcd ("the state etcd"): a cluster separate from the one cke manages, where several
// cke processes keep one state, their CAs and their leader key. Calls go to one endpoint and move
// on to the next when it is unreachable, so one member down does not stop cke.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/etcd/client.hpp"

namespace cke::state {

struct StateEtcdConfig {
  std::vector<std::string> endpoints;  // host:port
  etcd::TlsIdentity identity;          // cke's own etcd user, by TLS common name
  std::string prefix = "/cke/";        // every key cke writes starts with it
};

class StateEtcd {
 public:
  explicit StateEtcd(StateEtcdConfig config);

  // PREFIX + name.
  [[nodiscard]] std::string key(const std::string& name) const { return config_.prefix + name; }
  [[nodiscard]] const StateEtcdConfig& config() const { return config_; }

  // Runs `body` with a client of the endpoint that answered last, then of each other endpoint in
  // turn while the call fails for want of an answer (unreachable, timed out). Any other failure,
  // and the last endpoint's, is thrown.
  template <class Body>
  auto call(Body&& body) -> decltype(body(std::declval<etcd::Client&>())) {
    const size_t count = clients_.size();
    size_t first = 0;
    {
      const std::lock_guard lock(mutex_);
      first = preferred_;
    }
    for (size_t i = 0;; ++i) {
      const size_t index = (first + i) % count;
      try {
        auto result = body(*clients_[index]);
        const std::lock_guard lock(mutex_);
        preferred_ = index;
        return result;
      } catch (const etcd::EtcdError& e) {
        const bool unanswered = e.status() == grpc::StatusCode::UNAVAILABLE ||
                                e.status() == grpc::StatusCode::DEADLINE_EXCEEDED;
        if (!unanswered || i + 1 == count) {
          throw;
        }
      }
    }
  }

 private:
  StateEtcdConfig config_;
  std::vector<std::unique_ptr<etcd::Client>> clients_;
  std::mutex mutex_;
  size_t preferred_ = 0;
};

// The key's create revision in a transaction's condition: `key` exists and was created at
// `revision` (0: `key` does not exist).
etcdserverpb::Compare created_at(const std::string& key, int64_t revision);
etcdserverpb::RequestOp put_op(const std::string& key, const std::string& value, int64_t lease = 0);

}  // namespace cke::state
