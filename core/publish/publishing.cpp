#include "core/publish/publishing.hpp"

#include <algorithm>

namespace cke::publish {

Publishing::Publishing(const plugin::Registry& registry, const Clock& clock,
                       std::chrono::milliseconds resync)
    : registry_(registry), clock_(clock), resync_(resync) {}

// Workers stop with their destructors; a retiring one still withdrawing is waited for.
Publishing::~Publishing() = default;

void Publishing::offer(const std::vector<config::PublisherConfig>& publishers,
                       const plugin::EndpointSet& set, const plugin::ObjectSet& objects,
                       const std::string& objects_publisher) {
  const std::lock_guard lock(mutex_);
  std::erase_if(retiring_, [](const auto& w) { return w->finished(); });
  std::vector<std::shared_ptr<PublisherWorker>> next;
  for (const auto& config : publishers) {
    const auto same = std::find_if(workers_.begin(), workers_.end(),
                                   [&](const auto& w) { return w && w->config() == config; });
    if (same != workers_.end()) {
      next.push_back(std::move(*same));
    }
  }
  for (auto& gone : workers_) {
    if (gone) {
      gone->retire();
      retiring_.push_back(std::move(gone));
    }
  }
  for (const auto& config : publishers) {
    if (std::none_of(next.begin(), next.end(),
                     [&](const auto& w) { return w->config() == config; })) {
      std::shared_ptr<const PublisherWorker> after;
      for (const auto& r : retiring_) {
        if (r->config().name == config.name) {
          after = r;
        }
      }
      next.push_back(std::make_shared<PublisherWorker>(config, registry_, clock_, resync_, after));
    }
  }
  // cluster.yml's order.
  std::sort(next.begin(), next.end(), [&](const auto& a, const auto& b) {
    return std::find(publishers.begin(), publishers.end(), a->config()) <
           std::find(publishers.begin(), publishers.end(), b->config());
  });
  workers_ = std::move(next);
  plugin::ObjectSet no_objects = objects;
  no_objects.objects.clear();
  for (const auto& worker : workers_) {
    Offer offer{set, std::nullopt};
    const auto* record = registry_.find(plugin::Kind::publisher, worker->config().plugin);
    if (record != nullptr && plugin::keeps_objects(*record) && !objects.set_name.empty()) {
      offer.objects = worker->config().name == objects_publisher ? objects : no_objects;
    }
    worker->offer(offer);
  }
}

std::vector<PublisherStatus> Publishing::status() const {
  const std::lock_guard lock(mutex_);
  std::vector<PublisherStatus> out;
  out.reserve(workers_.size());
  for (const auto& worker : workers_) {
    out.push_back(worker->status());
  }
  return out;
}

}  // namespace cke::publish
