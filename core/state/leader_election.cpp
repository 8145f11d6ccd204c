#include "core/state/leader_election.hpp"

#include <spdlog/spdlog.h>

#include <condition_variable>

namespace cke::state {

LeaderElection::LeaderElection(StateEtcd& etcd, std::string advertise, std::chrono::seconds ttl,
                               std::function<void()> on_elected)
    : etcd_(etcd),
      advertise_(std::move(advertise)),
      lease_ttl_(ttl - kNoticeTime),
      on_elected_(std::move(on_elected)),
      key_(etcd.key("leader")) {}

bool LeaderElection::leading() const {
  const std::lock_guard lock(mutex_);
  return leader_revision_ != 0 && Clock::now() < leading_until_;
}

uint64_t LeaderElection::term() const {
  const std::lock_guard lock(mutex_);
  return term_;
}

std::string LeaderElection::leader_address() const {
  const std::lock_guard lock(mutex_);
  return leader_address_;
}

etcdserverpb::Compare LeaderElection::fence() const {
  const std::lock_guard lock(mutex_);
  if (leader_revision_ == 0 || Clock::now() >= leading_until_) {
    throw NotLeaderError(leader_revision_ == 0 ? leader_address_ : "");
  }
  return created_at(key_, leader_revision_);
}

void LeaderElection::deposed() { lose("a write conditioned on the leader key was refused"); }

void LeaderElection::lose(const std::string& why) {
  const std::lock_guard lock(mutex_);
  // A follower loses nothing, and keeps naming the leader it follows until the key says otherwise:
  // a status or redirect between two looks at the key must not find no leader.
  if (leader_revision_ == 0) {
    return;
  }
  spdlog::warn("no longer the leader: {}", why);
  leader_revision_ = 0;
  lease_ = 0;  // a new lease for the next campaign: the old one may be about to expire
  leader_address_.clear();
}

void LeaderElection::campaign() {
  // A follower holds no lease: it asks for one only when the leader key is free.
  const auto current = etcd_.call([&](etcd::Client& c) { return c.range(key_); });
  spdlog::debug("leader key {}: {}", key_,
                current.kvs_size() > 0 ? current.kvs(0).value() : "free");
  if (current.kvs_size() > 0) {
    follow(current.kvs(0).value());
    return;
  }
  const auto sent = Clock::now();  // the lease's TTL runs from its grant, after this
  const auto grant = etcd_.call([&](etcd::Client& c) { return c.lease_grant(lease_ttl_.count()); });
  etcdserverpb::TxnRequest txn;
  *txn.add_compare() = created_at(key_, 0);
  *txn.add_success() = put_op(key_, advertise_, grant.id());
  txn.add_failure()->mutable_request_range()->set_key(key_);
  const auto response = etcd_.call([&](etcd::Client& c) { return c.txn(txn); });
  if (!response.succeeded()) {  // another cke was quicker
    etcd_.call([&](etcd::Client& c) {
      c.lease_revoke(grant.id());
      return 0;
    });
    const auto& kvs = response.responses(0).response_range().kvs();
    follow(kvs.empty() ? "" : kvs[0].value());
    return;
  }
  const std::lock_guard lock(mutex_);
  lease_ = grant.id();
  leader_revision_ = response.header().revision();
  // etcd may raise a TTL below its minimum; it never lowers one.
  leading_until_ = sent + std::chrono::seconds(grant.ttl());
  leader_address_ = advertise_;
  ++term_;
  spdlog::info("elected leader (lease TTL {} s; {} created at revision {})", grant.ttl(), key_,
               leader_revision_);
}

void LeaderElection::follow(const std::string& leader) {
  const std::lock_guard lock(mutex_);
  if (leader != leader_address_) {
    spdlog::info("following the leader at {}", leader.empty() ? "(none)" : leader);
  }
  leader_address_ = leader;
}

void LeaderElection::keep_alive() {
  int64_t lease = 0;
  {
    const std::lock_guard lock(mutex_);
    lease = lease_;
  }
  const auto sent = Clock::now();
  const int64_t ttl = etcd_.call([&](etcd::Client& c) { return c.lease_keep_alive(lease); });
  if (ttl <= 0) {
    lose("the lease expired at the state etcd");
    return;
  }
  const std::lock_guard lock(mutex_);
  leading_until_ = sent + std::chrono::seconds(ttl);
}

void LeaderElection::round() {
  try {
    if (leading()) {
      keep_alive();
    } else {
      // Leading until now, maybe, but the lease may have expired meanwhile.
      lose("the lease was not renewed in time");
      const uint64_t before = term();
      campaign();
      if (term() != before && on_elected_) {
        on_elected_();
      }
    }
  } catch (const std::exception& e) {
    spdlog::warn("leader election: {}", e.what());
  }
}

void LeaderElection::run(const std::stop_token& stop) {
  // The leader renews at a third of the lease, which leaves two more tries before it runs out.
  const auto renew = std::chrono::duration_cast<std::chrono::milliseconds>(lease_ttl_) / 3;
  std::mutex sleep_mutex;
  std::condition_variable_any sleeper;
  while (!stop.stop_requested()) {
    round();
    std::unique_lock lock(sleep_mutex);
    sleeper.wait_for(lock, stop, leading() ? renew : kFollowerLook, [] { return false; });
  }
  int64_t lease = 0;
  {
    const std::lock_guard lock(mutex_);
    lease = leader_revision_ != 0 ? lease_ : 0;
    leader_revision_ = 0;
  }
  if (lease != 0) {
    try {
      etcd_.call([&](etcd::Client& c) {
        c.lease_revoke(lease);
        return 0;
      });
      spdlog::info("gave up leadership");
    } catch (const std::exception& e) {
      spdlog::warn("giving up leadership: {} (another cke takes over once the lease expires)",
                   e.what());
    }
  }
}

}  // namespace cke::state
