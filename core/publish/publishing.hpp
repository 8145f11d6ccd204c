// Publishing the endpoint set: a step of every controller pass that never holds it up. The pass
// offers cluster.yml's publishers and the set it observed; each publisher works on a thread of its
// own (publisher_worker.hpp). A publisher cluster.yml no longer names, or names with another
// configuration, is retired: it withdraws what it published.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <vector>

#include "core/publish/publisher_worker.hpp"

namespace cke::publish {

inline constexpr std::chrono::seconds kResyncInterval = std::chrono::minutes(5);

class Publishing {
 public:
  Publishing(const plugin::Registry& registry, const Clock& clock,
             std::chrono::milliseconds resync = kResyncInterval);
  Publishing(const Publishing&) = delete;
  Publishing& operator=(const Publishing&) = delete;
  ~Publishing();

  // Called by every controller pass; returns at once. `objects` goes to the publisher named
  // `objects_publisher`; every other publisher that keeps objects is offered the same set
  // without objects, so that what it kept before is deleted.
  void offer(const std::vector<config::PublisherConfig>& publishers, const plugin::EndpointSet& set,
             const plugin::ObjectSet& objects = {}, const std::string& objects_publisher = "");
  // In cluster.yml's order.
  [[nodiscard]] std::vector<PublisherStatus> status() const;

 private:
  const plugin::Registry& registry_;
  const Clock& clock_;
  const std::chrono::milliseconds resync_;

  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<PublisherWorker>> workers_;   // cluster.yml's, in its order
  std::vector<std::shared_ptr<PublisherWorker>> retiring_;  // withdrawing, then dropped
};

}  // namespace cke::publish
