// An instance of a node runtime plugin, and its node handles, seen from the core.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cke/runtime.h"
#include "core/plugin/registry.hpp"
#include "core/stream/byte_stream.hpp"

namespace cke::plugin {

enum class MemberState : uint32_t {
  absent = CKE_MEMBER_ABSENT,    // no data
  stopped = CKE_MEMBER_STOPPED,  // data, no process
  running = CKE_MEMBER_RUNNING,
};

struct MemberStatus {
  MemberState state = MemberState::absent;
  int64_t pid = 0;
};

struct RestoreSpec {
  std::string name;
  std::string initial_cluster;
  std::string cluster_token;
  std::string peer_url;
};

struct NodeSpec {
  std::string address;
  std::string hostname;
  std::string user;
  std::string member_dir;
};

class NodeHandle {
 public:
  NodeHandle(const PluginRecord& record, const cke_runtime_table* table, cke_node* node)
      : record_(record), table_(table), node_(node) {}
  NodeHandle(const NodeHandle&) = delete;
  NodeHandle& operator=(const NodeHandle&) = delete;
  ~NodeHandle();

  void write_file(const std::string& relative_path, uint32_t mode, const std::string& content);
  void start(const std::vector<std::string>& argv, const std::vector<std::string>& env);
  void stop(int64_t timeout_ms);
  MemberStatus inspect();
  void wipe();

  // Since ABI 1.2: restored data staged beside the member's data and swapped in (see
  // cke/runtime.h). A runtime built against an older SDK fails them with CKE_UNIMPLEMENTED and a
  // sentence saying so.
  void stage_restore(const RestoreSpec& spec, stream::ByteReader& snapshot);
  void discard_staged();
  void swap_staged();
  void drop_previous();
  // The end of the member's log (up to `max_bytes`); "" when the runtime cannot tell.
  std::string log_tail(size_t max_bytes);
  // Since ABI 1.3: the version of the etcd the node would start now; "" when the runtime cannot
  // tell (built against an older SDK, or the call failed: `error` then says why).
  std::string etcd_version(std::string* error = nullptr);

 private:
  // The 1.2 entry, or a CKE_UNIMPLEMENTED error naming `what` when the plugin predates it.
  template <class Fn>
  Fn entry(Fn cke_runtime_table::*member, const char* what) const;

  const PluginRecord& record_;
  const cke_runtime_table* table_;
  cke_node* node_;
};

// Receives the runtime's events (any thread): node address, CKE_LOG_* level, message.
using RuntimeEventHandler = std::function<void(const std::string&, int32_t, const std::string&)>;

class Runtime {
 public:
  Runtime(const PluginRecord& record, const std::string& config_json, RuntimeEventHandler events);
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;
  ~Runtime();

  [[nodiscard]] const std::string& name() const { return record_.name; }
  std::unique_ptr<NodeHandle> open_node(const NodeSpec& spec);

 private:
  static void on_event(void* ctx, const char* node, int32_t level, const char* message);

  const PluginRecord& record_;
  const cke_runtime_table* table_;
  RuntimeEventHandler events_;
  cke_event_sink sink_;  // at a fixed address for the plugin's lifetime
  cke_runtime* instance_;
};

}  // namespace cke::plugin
