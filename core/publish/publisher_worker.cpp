#include "core/publish/publisher_worker.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace cke::publish {
namespace {

using SteadyClock = std::chrono::steady_clock;

size_t ready_count(const plugin::EndpointSet& set) {
  return static_cast<size_t>(std::count_if(set.endpoints.begin(), set.endpoints.end(),
                                           [](const auto& e) { return e.ready; }));
}

PublisherStatus pending_status(const config::PublisherConfig& config) {
  PublisherStatus status;
  status.name = config.name;
  status.plugin = config.plugin;
  return status;
}

}  // namespace

PublisherWorker::PublisherWorker(config::PublisherConfig config, const plugin::Registry& registry,
                                 const Clock& clock, std::chrono::milliseconds resync,
                                 std::shared_ptr<const PublisherWorker> after)
    : config_(std::move(config)),
      registry_(registry),
      clock_(clock),
      resync_(resync),
      status_(pending_status(config_)),
      after_(std::move(after)),
      thread_([this](const std::stop_token& stop) { run(stop); }) {}

PublisherWorker::~PublisherWorker() {
  thread_.request_stop();
  wake_.notify_all();
}

void PublisherWorker::offer(const Offer& offer) {
  {
    const std::lock_guard lock(mutex_);
    if (offered_ == offer) {
      return;
    }
    offered_ = offer;
    changed_ = true;
  }
  wake_.notify_all();
}

void PublisherWorker::retire() {
  {
    const std::lock_guard lock(mutex_);
    retiring_ = true;
  }
  wake_.notify_all();
}

bool PublisherWorker::finished() const {
  const std::lock_guard lock(mutex_);
  return finished_;
}

PublisherStatus PublisherWorker::status() const {
  const std::lock_guard lock(mutex_);
  return status_;
}

void PublisherWorker::run(const std::stop_token& stop) {
  auto due = SteadyClock::time_point::max();
  while (!stop.stop_requested()) {
    std::optional<Offer> set;
    bool retiring = false;
    {
      std::unique_lock lock(mutex_);
      wake_.wait_until(lock, stop, due, [this] { return changed_ || retiring_; });
      if (stop.stop_requested()) {
        return;
      }
      changed_ = false;
      retiring = retiring_;
      set = offered_;
    }
    if (retiring) {
      withdraw();
      const std::lock_guard lock(mutex_);
      finished_ = true;
      return;
    }
    if (!set) {
      due = SteadyClock::time_point::max();
      continue;
    }
    if (after_) {
      if (!after_->finished()) {
        due = SteadyClock::now() + std::chrono::milliseconds(50);
        continue;
      }
      after_.reset();
    }
    const auto now = SteadyClock::now();
    if ((published_ != set || now >= last_success_ + resync_) && now >= next_attempt_) {
      attempt(*set);
    }
    due = backoff_.count() > 0 ? next_attempt_ : last_success_ + resync_;
  }
}

void PublisherWorker::attempt(const Offer& offer) {
  const plugin::EndpointSet& set = offer.endpoints;
  try {
    if (!instance_) {
      instance_ = std::make_unique<plugin::Publisher>(
          registry_.require(plugin::Kind::publisher, config_.plugin), config_.config_json);
    }
    instance_->publish(set);
    if (offer.objects && (!published_ || published_->objects != offer.objects ||
                          SteadyClock::now() >= last_success_ + resync_)) {
      instance_->apply_objects(*offer.objects);
      if (!published_ || published_->objects != offer.objects) {
        spdlog::info("publisher {}: {} {} objects applied in {}", config_.name,
                     offer.objects->objects.size(), offer.objects->set_name,
                     offer.objects->namespace_name);
      }
    }
    const bool changed = !published_ || published_->endpoints != set;
    published_ = offer;
    last_success_ = SteadyClock::now();
    backoff_ = std::chrono::milliseconds(0);
    const size_t ready = ready_count(set);
    {
      const std::lock_guard lock(mutex_);
      status_.state = "published";
      status_.published_at = format_utc(clock_.now());
      status_.endpoints = set.endpoints.size();
      status_.ready = ready;
      status_.failures = 0;
      status_.error.clear();
    }
    spdlog::log(changed ? spdlog::level::info : spdlog::level::debug,
                "publisher {}: published {} endpoints, {} ready", config_.name,
                set.endpoints.size(), ready);
  } catch (const std::exception& e) {
    backoff_ = std::clamp(backoff_ * 2, std::chrono::milliseconds(1000),
                          std::chrono::milliseconds(kMaxBackoff));
    next_attempt_ = SteadyClock::now() + backoff_;
    int failures = 0;
    {
      const std::lock_guard lock(mutex_);
      status_.state = "failing";
      failures = ++status_.failures;
      status_.error = e.what();
    }
    spdlog::warn("publisher {} failed ({} in a row; next try in {} s): {}", config_.name, failures,
                 backoff_.count() / 1000, e.what());
  }
}

void PublisherWorker::withdraw() {
  if (!instance_ || !published_) {
    return;  // it never published anything
  }
  try {
    instance_->withdraw(published_->endpoints);
    if (published_->objects) {
      auto none = *published_->objects;
      none.objects.clear();
      instance_->apply_objects(none);
    }
    spdlog::info("publisher {}: withdrawn (no longer in cluster.yml)", config_.name);
  } catch (const std::exception& e) {
    spdlog::warn("publisher {}: could not withdraw what it published: {}", config_.name, e.what());
  }
}

}  // namespace cke::publish
