// Whether this cke may act. A cke with its state in a data directory is the only one and always
// leads; with a state etcd, the cke elected there does (state::LeaderElection). Only the leader
// runs the controller's operations, the backup scheduler and the API's mutating calls.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/common/error.hpp"

namespace cke::state {

class Leadership {
 public:
  Leadership() = default;
  Leadership(const Leadership&) = delete;
  Leadership& operator=(const Leadership&) = delete;
  virtual ~Leadership() = default;

  // True while this process leads and its lease cannot have expired at the state etcd.
  [[nodiscard]] virtual bool leading() const = 0;
  // Counts this process's terms as leader: it changes each time leadership is won again, which
  // is when the state must be read afresh (another cke may have changed it meanwhile).
  [[nodiscard]] virtual uint64_t term() const = 0;
  // The API address (--listen) the current leader advertises; "" when none is known.
  [[nodiscard]] virtual std::string leader_address() const = 0;
  // Throws NotLeaderError (naming the leader) unless this process leads.
  void require() const;
};

// The one cke of a data directory.
class SoleLeadership final : public Leadership {
 public:
  [[nodiscard]] bool leading() const override { return true; }
  [[nodiscard]] uint64_t term() const override { return 1; }
  [[nodiscard]] std::string leader_address() const override { return ""; }
};

// A follower's refusal of a mutating API call carries "cke-leader=ADDRESS" as its gRPC status
// details, for ckecli to send the call to the leader.
inline constexpr std::string_view kLeaderDetail = "cke-leader=";

// What a follower answers a mutating call with, and what a deposed leader's write throws.
class NotLeaderError : public Error {
 public:
  explicit NotLeaderError(const std::string& leader_address)
      : Error(leader_address.empty()
                  ? std::string("this cke is not the leader and no leader is elected yet; "
                                "try again in a few seconds")
                  : "this cke is not the leader; the leader serves the API at " + leader_address +
                        " (ckecli --server " + leader_address + " --tls-dir DIR)",
              CKE_UNAVAILABLE),
        leader_address_(leader_address) {}
  [[nodiscard]] const std::string& leader_address() const { return leader_address_; }

 private:
  std::string leader_address_;
};

inline void Leadership::require() const {
  if (!leading()) {
    throw NotLeaderError(leader_address());
  }
}

}  // namespace cke::state
