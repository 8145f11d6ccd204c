// Publishing the endpoint set: a step of every controller pass that never holds it up. The pass
// offers cluster.yml's publishers and the set it observed; a thread of this object's own calls
// the plugins — only when the set changed since a publisher's last success, again every
// `resync` (5 minutes; and once after cke starts, since nothing is known published then), and
// after a failure with a backoff doubling from 1 s to 60 s. A publisher cluster.yml no longer
// names is withdrawn once.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "core/common/clock.hpp"
#include "core/config/cluster_config.hpp"
#include "core/plugin/publisher.hpp"
#include "core/plugin/registry.hpp"

namespace cke::publish {

inline constexpr std::chrono::seconds kResyncInterval = std::chrono::minutes(5);
inline constexpr std::chrono::seconds kMaxBackoff{60};

struct PublisherStatus {
  std::string name;
  std::string plugin;
  std::string state = "pending";  // "pending", "published" or "failing"
  std::string published_at;       // UTC of the last success; "" before it
  size_t endpoints = 0;           // in the last set published
  size_t ready = 0;               // of them ready
  int failures = 0;               // in a row
  std::string error;              // the last failure, while failing
};

class Publishing {
 public:
  Publishing(const plugin::Registry& registry, const Clock& clock,
             std::chrono::milliseconds resync = kResyncInterval);
  Publishing(const Publishing&) = delete;
  Publishing& operator=(const Publishing&) = delete;
  ~Publishing();

  // Called by every controller pass; returns at once.
  void offer(const std::vector<config::PublisherConfig>& publishers,
             const plugin::EndpointSet& set);
  [[nodiscard]] std::vector<PublisherStatus> status() const;

 private:
  struct Slot {
    config::PublisherConfig config;
    std::unique_ptr<plugin::Publisher> instance;
    std::optional<plugin::EndpointSet> published;  // as of the last success
    std::chrono::steady_clock::time_point last_success{};
    std::chrono::steady_clock::time_point next_attempt{};
    std::chrono::milliseconds backoff{0};
    PublisherStatus status;
  };

  void run(const std::stop_token& stop);
  // One round with the offered publishers and set; returns when the next round is due.
  std::chrono::steady_clock::time_point round(const std::vector<config::PublisherConfig>& wanted,
                                              const plugin::EndpointSet& set);
  void attempt(Slot& slot, const plugin::EndpointSet& set);
  void withdraw(Slot& slot);

  const plugin::Registry& registry_;
  const Clock& clock_;
  std::chrono::milliseconds resync_;

  mutable std::mutex mutex_;  // guards what is offered and the statuses
  std::condition_variable_any offered_cv_;
  std::vector<config::PublisherConfig> wanted_;
  std::optional<plugin::EndpointSet> set_;
  bool changed_ = false;
  std::vector<PublisherStatus> statuses_;

  std::vector<Slot> slots_;  // the thread's own
  std::jthread thread_;      // last: it starts once everything above exists
};

}  // namespace cke::publish
