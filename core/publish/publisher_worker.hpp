// One publisher on a thread of its own, so that a slow or unreachable target delays no other
// publisher and no controller pass. It publishes the latest set offered when it differs from what
// it last published successfully, again every `resync`, and after a failure with a backoff
// doubling from 1 s to 60 s. Retired, it withdraws what it published, once, and ends. A publisher
// that keeps objects (the kubernetes one) is offered an object set with the endpoints, applied
// after them, and emptied when it retires.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>

#include "core/common/clock.hpp"
#include "core/config/cluster_config.hpp"
#include "core/plugin/publisher.hpp"
#include "core/plugin/registry.hpp"

namespace cke::publish {

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

// What one attempt makes the target show.
struct Offer {
  plugin::EndpointSet endpoints;
  std::optional<plugin::ObjectSet> objects;  // only for publishers that keep objects
  bool operator==(const Offer&) const = default;
};

class PublisherWorker {
 public:
  // `after`: a retiring worker of the same name; this one publishes only once it has withdrawn,
  // so that a withdrawal never undoes what its successor published to the same target.
  PublisherWorker(config::PublisherConfig config, const plugin::Registry& registry,
                  const Clock& clock, std::chrono::milliseconds resync,
                  std::shared_ptr<const PublisherWorker> after = nullptr);
  PublisherWorker(const PublisherWorker&) = delete;
  PublisherWorker& operator=(const PublisherWorker&) = delete;
  ~PublisherWorker();  // stops the thread; withdraws nothing

  [[nodiscard]] const config::PublisherConfig& config() const { return config_; }
  // The set to publish; the latest offered wins. Returns at once.
  void offer(const Offer& offer);
  // Withdraws what was published (once), then ends. Returns at once.
  void retire();
  [[nodiscard]] bool finished() const;
  [[nodiscard]] PublisherStatus status() const;

 private:
  void run(const std::stop_token& stop);
  void attempt(const Offer& offer);
  void withdraw();

  const config::PublisherConfig config_;
  const plugin::Registry& registry_;
  const Clock& clock_;
  const std::chrono::milliseconds resync_;

  mutable std::mutex mutex_;  // guards what is offered and the status
  std::condition_variable_any wake_;
  std::optional<Offer> offered_;
  bool changed_ = false;
  bool retiring_ = false;
  bool finished_ = false;
  PublisherStatus status_;

  // The thread's own.
  std::shared_ptr<const PublisherWorker> after_;
  std::unique_ptr<plugin::Publisher> instance_;
  std::optional<Offer> published_;  // as of the last success
  std::chrono::steady_clock::time_point last_success_{};
  std::chrono::steady_clock::time_point next_attempt_{};
  std::chrono::milliseconds backoff_{0};

  std::jthread thread_;  // last: it starts once everything above exists
};

}  // namespace cke::publish
