#include "core/ops/restore.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "core/cluster/member_command.hpp"
#include "core/cluster/member_launch.hpp"
#include "core/cluster/observation.hpp"
#include "core/common/atomic_file.hpp"
#include "core/common/error.hpp"
#include "core/common/test_hooks.hpp"
#include "core/common/unique_fd.hpp"
#include "core/ops/run.hpp"
#include "core/stream/fd_stream.hpp"

namespace fs = std::filesystem;

namespace cke::ops {
namespace {

constexpr int kStartsPerMember = 3;
constexpr auto kRestartDelay = std::chrono::seconds(1);

// The database size from which a restore starts a quorum first (see swap_and_start). Tests lower
// it through CKE_TEST_RESTORE_QUORUM_FIRST_MIB to take that path with a small database.
uint64_t quorum_first_bytes() {
  return static_cast<uint64_t>(test_hook_number("CKE_TEST_RESTORE_QUORUM_FIRST_MIB", 0, 512)) << 20;
}

void check_free_space(const fs::path& dir, uint64_t needed) {
  struct statvfs fs_info {};
  if (::statvfs(dir.c_str(), &fs_info) != 0) {
    return;  // cannot tell; etcdctl will fail clearly if it runs out
  }
  const uint64_t available = static_cast<uint64_t>(fs_info.f_bavail) * fs_info.f_frsize;
  if (available < needed) {
    throw Error("not enough free space in " + dir.string() + " to restore: it needs " +
                    std::to_string(needed) + " bytes, " + std::to_string(available) + " are free",
                CKE_RESOURCE_EXHAUSTED);
  }
}

// Builds each member's restored data beside its current data, through the runtime (which may
// keep the member on another host); the old cluster keeps serving.
void stage(cluster::Environment& env, const config::ClusterConfig& config,
           const state::State& state, const fs::path& snapshot) {
  const std::string initial_cluster = cluster::initial_cluster_flag(config, state.members);
  for (const auto& address : state.members) {
    const UniqueFd fd(::open(snapshot.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
      throw Error("cannot read " + snapshot.string() + ": " + std::strerror(errno), CKE_INTERNAL);
    }
    stream::FdReader reader(fd.get(), snapshot.string());
    env.node(address).stage_restore(
        {address, initial_cluster, state.restore_token, cluster::peer_url(config, address)},
        reader);
    env.failpoint("restore.after-stage-member");
  }
}

// Stops the members, swaps in the restored data, starts them, waits until healthy, and only then
// deletes the old data. Every step can run again after a crash.
void swap_and_start(cluster::Environment& env, const config::ClusterConfig& config,
                    state::State& state) {
  spdlog::info("restore: stopping the members (the outage starts)");
  {
    // Killed at once, in parallel: the old data is being replaced (kept aside only for a
    // rollback, and etcd's WAL and database survive a kill), while etcd 3.4's graceful stop
    // takes a second even for an idle member and many seconds for the last one, left without
    // peers. Every such second is outage.
    std::vector<std::jthread> stopping;
    std::mutex failure_mutex;
    std::exception_ptr failure;
    for (const auto& address : state.members) {
      stopping.emplace_back([&, address] {
        try {
          env.node(address).stop(0);
        } catch (...) {
          const std::lock_guard lock(failure_mutex);
          failure = std::current_exception();
        }
      });
    }
    stopping.clear();  // joins
    if (failure) {
      std::rethrow_exception(failure);
    }
  }
  env.failpoint("restore.after-stop");
  for (const auto& address : state.members) {
    env.node(address).swap_staged();  // nothing when swapped before a crash
    env.failpoint("restore.after-swap-member");
  }
  state.cluster_token = state.restore_token;
  env.store().save(state);
  // Restored members load the whole database before they serve: allow for its size.
  const uint64_t db_bytes = state.restore_bytes;
  const auto allowed = std::chrono::seconds(90 + 120 * (db_bytes >> 30));
  const auto deadline = std::chrono::steady_clock::now() + allowed;
  // Starts those of `addresses` that do not run. A member can exit while it starts (a flag etcd
  // refuses, a port not yet released): it is started again, a few times, before the restore
  // gives up, rather than left to the deadline.
  struct Starts {
    int count = 0;
    std::chrono::steady_clock::time_point last;
  };
  std::map<std::string, Starts> starts;
  const auto start_stopped = [&](std::span<const std::string> addresses) {
    for (const auto& address : addresses) {
      if (env.node(address).inspect().state == plugin::MemberState::running) {
        continue;
      }
      auto& tried = starts[address];
      if (tried.count > 0 && std::chrono::steady_clock::now() - tried.last < kRestartDelay) {
        continue;
      }
      if (++tried.count > kStartsPerMember) {
        throw Error(
            "member " + address + " exited " + std::to_string(kStartsPerMember) +
                " times while starting; the end of its log: " + cluster::log_excerpt(env, address) +
                " (each member's old data is kept aside by the runtime)",
            CKE_UNAVAILABLE);
      }
      tried.last = std::chrono::steady_clock::now();
      if (tried.count > 1) {
        spdlog::warn("restore: member {} exited while starting; starting it again", address);
      }
      cluster::launch_member(env, config, state, address, "restore");
    }
  };
  const auto wait_for = [&](std::span<const std::string> started, const auto& done,
                            const char* what) {
    for (;;) {
      start_stopped(started);
      const auto observed = cluster::observe(env, config, state.members);
      if (done(observed)) {
        return observed;
      }
      if (std::chrono::steady_clock::now() > deadline) {
        std::string why = observed.error;
        for (const auto& m : observed.members) {
          if (!m.error.empty()) {
            why += (why.empty() ? "" : "; ") + m.address + ": " + m.error;
          }
        }
        throw Error(std::string("the restored cluster did not ") + what + " in " +
                        std::to_string(allowed.count()) + " s (" + why +
                        "); each member's old data is kept aside by the runtime",
                    CKE_UNAVAILABLE);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  };
  // A large database: a quorum first. Every member rebuilds its key index from the whole
  // database (twice, in etcd 3.4) before it serves, so members started together share the cores
  // and all serve late, while a quorum started alone serves sooner, and the cluster with it.
  // A small one: all together, since a quorum alone waits a whole election timeout (etcd
  // shortens the first election only once it sees every peer), longer than loading takes.
  // Measured on two cores: at 100 MiB loading took 1 s and a lone quorum's election 3 s; at
  // 1.4 GiB a quorum alone served after 21.5 s, three members together after 30 s.
  const std::span<const std::string> members(state.members);
  const size_t first = db_bytes >= quorum_first_bytes() ? members.size() / 2 + 1 : members.size();
  wait_for(
      members.first(first), [](const auto& o) { return o.quorum_write_ok; }, "reach a quorum");
  spdlog::info("restore: a quorum of the restored cluster serves (the outage ends)");
  const auto observed = wait_for(
      members, [](const auto& o) { return o.healthy(); }, "become healthy");
  state.cluster_id = cluster::member_id_hex(
      observed.cluster_id.value_or(0));  // a restored cluster is a new cluster
  spdlog::info("restore: the restored cluster is healthy");
  env.failpoint("restore.before-cleanup");
  for (const auto& address : state.members) {
    env.node(address).drop_previous();
  }
  state.restore_phase.clear();
  state.restore_source.clear();
  state.restore_token.clear();
  state.restore_bytes = 0;
  // Auth came back with the data; auth-setup checks it again (every step checks first).
  state.auth_enabled = false;
  state.bootstrapped = true;
  env.store().save(state);
}

}  // namespace

void restore_cluster(cluster::Environment& env, const config::ClusterConfig& config,
                     state::State& state, const fs::path& snapshot, const std::string& source) {
  if (!state.bootstrap_started) {
    // Restoring into a new cluster: its members are the control-plane nodes.
    state.members.clear();
    for (const auto& node : config.control_plane()) {
      state.members.push_back(node.address);
    }
    state.bootstrap_started = true;
  }
  check_free_space(env.data_dir(), fs::file_size(snapshot) * (state.members.size() + 1));
  state.restore_phase = "staging";
  state.restore_source = source;
  state.restore_token = cluster::new_cluster_token(config.name, "restore");
  state.restore_bytes = fs::file_size(snapshot);
  env.store().save(state);
  env.failpoint("restore.after-intent");
  stage(env, config, state, snapshot);
  state.restore_phase = "swapping";
  env.store().save(state);
  env.failpoint("restore.after-staging");
  swap_and_start(env, config, state);
  spdlog::info("restored the cluster from {}", source);
}

void run(Context& ctx, const ResumeRestore& /*op*/) {
  auto& env = ctx.env;
  const auto& config = ctx.config;
  auto& state = ctx.state;
  if (state.restore_phase == "staging") {
    // The old cluster never stopped: keep it, drop what was staged.
    for (const auto& address : state.members) {
      env.node(address).discard_staged();
    }
    spdlog::warn("a restore from {} was interrupted while staging; the cluster keeps its data",
                 state.restore_source);
    state.restore_phase.clear();
    state.restore_source.clear();
    state.restore_token.clear();
    env.store().save(state);
    return;
  }
  swap_and_start(env, config, state);
  spdlog::info("finished the interrupted restore from {}", state.restore_source);
}

}  // namespace cke::ops
