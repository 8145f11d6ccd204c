// Leader election among cke processes sharing a state etcd: the leader holds the key
// PREFIX/leader, bound to a lease it keeps alive, with its API address as the value. A cke whose
// lease lapses (killed, stopped, cut off) loses the key when the lease expires at the state etcd,
// and another takes it. This process stops counting itself leader before that can happen: at the
// time of the last keep-alive it sent, plus the TTL etcd answered with.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <stop_token>
#include <string>

#include "core/state/leadership.hpp"
#include "core/state/state_etcd.hpp"

namespace cke::state {

inline constexpr std::chrono::seconds kDefaultLeaderTtl{10};
// A follower looks at the leader key this often.
inline constexpr std::chrono::milliseconds kFollowerLook{250};
// The lease is this much shorter than the TTL a lost leader is replaced within: the time for the
// state etcd to expire the lease (it looks every 500 ms) and for a follower to notice.
inline constexpr std::chrono::seconds kNoticeTime{1};

class LeaderElection final : public Leadership {
 public:
  // `advertise`: this cke's API address for followers to redirect to. `ttl`: a lost leader is
  // replaced within it (at least 3 s). `on_elected` runs (on the election's thread) each time
  // this cke becomes leader.
  LeaderElection(StateEtcd& etcd, std::string advertise, std::chrono::seconds ttl,
                 std::function<void()> on_elected = nullptr);

  [[nodiscard]] bool leading() const override;
  [[nodiscard]] uint64_t term() const override;
  [[nodiscard]] std::string leader_address() const override;

  // The condition every write of the leader is made under: the leader key still exists as this
  // cke created it. Throws NotLeaderError when this cke does not lead.
  [[nodiscard]] etcdserverpb::Compare fence() const;
  // A fenced write failed: another cke leads, or the lease is gone.
  void deposed();

  // Campaigns and keeps the lease alive until `stop`; then, if leading, gives leadership up at
  // once (revokes the lease) so that a stopped cke is replaced without waiting for the TTL.
  void run(const std::stop_token& stop);
  // One round of run(); tests call it directly.
  void round();

 private:
  using Clock = std::chrono::steady_clock;
  void campaign();
  void keep_alive();
  void follow(const std::string& leader);
  void lose(const std::string& why);

  StateEtcd& etcd_;
  std::string advertise_;
  std::chrono::seconds lease_ttl_;
  std::function<void()> on_elected_;
  const std::string key_;

  mutable std::mutex mutex_;
  int64_t lease_ = 0;                // 0: none granted
  int64_t leader_revision_ = 0;      // the leader key's create revision while leading; 0: follower
  Clock::time_point leading_until_;  // this cke may act until then
  uint64_t term_ = 0;
  std::string leader_address_;
};

}  // namespace cke::state
