#include "core/publish/publishing.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace cke::publish {
namespace {

using SteadyClock = std::chrono::steady_clock;

size_t ready_count(const plugin::EndpointSet& set) {
  return static_cast<size_t>(std::count_if(set.endpoints.begin(), set.endpoints.end(),
                                           [](const auto& e) { return e.ready; }));
}

}  // namespace

Publishing::Publishing(const plugin::Registry& registry, const Clock& clock,
                       std::chrono::milliseconds resync)
    : registry_(registry),
      clock_(clock),
      resync_(resync),
      thread_([this](const std::stop_token& stop) { run(stop); }) {}

Publishing::~Publishing() {
  thread_.request_stop();
  offered_cv_.notify_all();
}

void Publishing::offer(const std::vector<config::PublisherConfig>& publishers,
                       const plugin::EndpointSet& set) {
  {
    const std::lock_guard lock(mutex_);
    if (wanted_ == publishers && set_ == set) {
      return;
    }
    wanted_ = publishers;
    set_ = set;
    changed_ = true;
  }
  offered_cv_.notify_all();
}

std::vector<PublisherStatus> Publishing::status() const {
  const std::lock_guard lock(mutex_);
  return statuses_;
}

void Publishing::run(const std::stop_token& stop) {
  auto due = SteadyClock::time_point::max();
  while (!stop.stop_requested()) {
    std::vector<config::PublisherConfig> wanted;
    plugin::EndpointSet set;
    {
      std::unique_lock lock(mutex_);
      offered_cv_.wait_until(lock, stop, due, [this] { return changed_; });
      if (stop.stop_requested()) {
        return;
      }
      if (!set_) {
        due = SteadyClock::time_point::max();
        continue;  // woken by nothing offered yet
      }
      changed_ = false;
      wanted = wanted_;
      set = *set_;
    }
    due = round(wanted, set);
  }
}

SteadyClock::time_point Publishing::round(const std::vector<config::PublisherConfig>& wanted,
                                          const plugin::EndpointSet& set) {
  // Publishers cluster.yml no longer names (or names with another configuration) are withdrawn.
  for (auto it = slots_.begin(); it != slots_.end();) {
    if (std::find(wanted.begin(), wanted.end(), it->config) == wanted.end()) {
      withdraw(*it);
      it = slots_.erase(it);
    } else {
      ++it;
    }
  }
  for (const auto& config : wanted) {
    const bool known = std::any_of(slots_.begin(), slots_.end(),
                                   [&](const Slot& s) { return s.config == config; });
    if (!known) {
      Slot slot;
      slot.config = config;
      slot.status.name = config.name;
      slot.status.plugin = config.plugin;
      slots_.push_back(std::move(slot));
    }
  }
  // Keep cluster.yml's order, for the status.
  std::sort(slots_.begin(), slots_.end(), [&](const Slot& a, const Slot& b) {
    return std::find(wanted.begin(), wanted.end(), a.config) <
           std::find(wanted.begin(), wanted.end(), b.config);
  });

  auto next = SteadyClock::time_point::max();
  for (auto& slot : slots_) {
    const auto now = SteadyClock::now();
    const bool stale = slot.published != set || now >= slot.last_success + resync_;
    if (stale && now >= slot.next_attempt) {
      attempt(slot, set);
    }
    next = std::min(
        next, slot.status.state == "failing" ? slot.next_attempt : slot.last_success + resync_);
  }
  {
    const std::lock_guard lock(mutex_);
    statuses_.clear();
    for (const auto& slot : slots_) {
      statuses_.push_back(slot.status);
    }
  }
  return next;
}

void Publishing::attempt(Slot& slot, const plugin::EndpointSet& set) {
  try {
    if (!slot.instance) {
      slot.instance = std::make_unique<plugin::Publisher>(
          registry_.require(plugin::Kind::publisher, slot.config.plugin), slot.config.config_json);
    }
    slot.instance->publish(set);
    const bool changed = slot.published != set;
    slot.published = set;
    slot.last_success = SteadyClock::now();
    slot.backoff = std::chrono::milliseconds(0);
    slot.status.state = "published";
    slot.status.published_at = format_utc(clock_.now());
    slot.status.endpoints = set.endpoints.size();
    slot.status.ready = ready_count(set);
    slot.status.failures = 0;
    slot.status.error.clear();
    spdlog::log(changed ? spdlog::level::info : spdlog::level::debug,
                "publisher {}: published {} endpoints, {} ready", slot.config.name,
                set.endpoints.size(), slot.status.ready);
  } catch (const std::exception& e) {
    slot.backoff = std::clamp(slot.backoff * 2, std::chrono::milliseconds(1000),
                              std::chrono::milliseconds(kMaxBackoff));
    slot.next_attempt = SteadyClock::now() + slot.backoff;
    slot.status.state = "failing";
    slot.status.failures += 1;
    slot.status.error = e.what();
    spdlog::warn("publisher {} failed ({} in a row; next try in {} s): {}", slot.config.name,
                 slot.status.failures, slot.backoff.count() / 1000, e.what());
  }
}

void Publishing::withdraw(Slot& slot) {
  if (!slot.instance || !slot.published) {
    return;  // it never published anything
  }
  try {
    slot.instance->withdraw(*slot.published);
    spdlog::info("publisher {}: withdrawn (no longer in cluster.yml)", slot.config.name);
  } catch (const std::exception& e) {
    spdlog::warn("publisher {}: could not withdraw what it published: {}", slot.config.name,
                 e.what());
  }
}

}  // namespace cke::publish
