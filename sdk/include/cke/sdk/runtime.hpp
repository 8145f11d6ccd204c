// C++ base classes for a node runtime plugin and the trampolines behind cke_runtime_table.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cke/runtime.h"
#include "cke/sdk/error.hpp"
#include "cke/sdk/plugin_info.hpp"
#include "cke/sdk/streams.hpp"

namespace cke::sdk {

struct NodeSpec {
  std::string address;
  std::string hostname;
  std::string user;
  std::string member_dir;
};

struct MemberCommand {
  std::vector<std::string> argv;
  std::vector<std::string> env;  // "NAME=value"
};

// What stage_restore builds the restored data with (since ABI 1.2).
struct RestoreSpec {
  std::string name;
  std::string initial_cluster;
  std::string cluster_token;
  std::string peer_url;
};

struct MemberStatus {
  uint32_t state = CKE_MEMBER_ABSENT;
  int64_t pid = 0;
};

// The host's thread-safe event sink.
class EventSink {
 public:
  explicit EventSink(const cke_event_sink* sink) : sink_(sink) {}
  void emit(const std::string& node, int32_t level, const std::string& message) const noexcept {
    if (sink_ != nullptr && sink_->emit != nullptr) {
      sink_->emit(sink_->ctx, node.c_str(), level, message.c_str());
    }
  }

 private:
  const cke_event_sink* sink_;
};

// One node. Destroying it is the fence after which the plugin reports nothing about the node.
class Node {
 public:
  virtual ~Node() = default;
  virtual void write_file(const std::string& relative_path, uint32_t mode,
                          std::span<const uint8_t> data) = 0;
  virtual void start(const MemberCommand& command) = 0;
  virtual void stop(int64_t timeout_ms) = 0;
  virtual MemberStatus inspect() = 0;
  virtual void wipe() = 0;

  // Since ABI 1.2 (see cke/runtime.h). A runtime that cannot do one of these keeps the default,
  // which fails with CKE_UNIMPLEMENTED: cke then says so instead of restoring.
  virtual void stage_restore(const RestoreSpec& /*spec*/, Reader& /*snapshot*/) {
    throw Error(CKE_UNIMPLEMENTED, "this runtime cannot stage restored data");
  }
  virtual void discard_staged() {
    throw Error(CKE_UNIMPLEMENTED, "this runtime cannot discard staged data");
  }
  virtual void swap_staged() {
    throw Error(CKE_UNIMPLEMENTED, "this runtime cannot swap in staged data");
  }
  virtual void drop_previous() {
    throw Error(CKE_UNIMPLEMENTED, "this runtime cannot drop replaced data");
  }
  // Writes up to the last `max_bytes` of the member's log; nothing when there is none.
  virtual void log_tail(size_t /*max_bytes*/, Writer& /*out*/) {}

  // Since ABI 1.3: the version of the etcd `start` would run now ("3.4.23"). Called every
  // controller pass, so cache it while the binary is unchanged. The default says it cannot tell,
  // and cke then never restarts members for a new binary.
  virtual std::string etcd_version() {
    throw Error(CKE_UNIMPLEMENTED, "this runtime cannot tell the etcd version");
  }
};

// Derive from this; the constructor takes (std::string_view config_json, EventSink events).
class Runtime {
 public:
  virtual ~Runtime() = default;
  virtual std::unique_ptr<Node> open_node(const NodeSpec& spec) = 0;
};

namespace detail::runtime {

inline Runtime* self(cke_runtime* p) { return reinterpret_cast<Runtime*>(p); }
inline Node* self(cke_node* p) { return reinterpret_cast<Node*>(p); }
inline std::string text(const char* s) { return s != nullptr ? s : ""; }

template <class T>
int32_t create(const char* config_json, const cke_event_sink* events, cke_runtime** out,
               cke_error* err) {
  return barrier(err, [&] {
    auto instance = std::make_unique<T>(
        std::string_view(config_json != nullptr ? config_json : "{}"), EventSink(events));
    *out = reinterpret_cast<cke_runtime*>(static_cast<Runtime*>(instance.release()));
  });
}

inline void destroy(cke_runtime* p) { delete self(p); }  // NOLINT(cppcoreguidelines-owning-memory)

inline int32_t open_node(cke_runtime* p, const cke_node_spec* spec, cke_node** out,
                         cke_error* err) {
  return barrier(err, [&] {
    const NodeSpec node{text(spec->address), text(spec->hostname), text(spec->user),
                        text(spec->member_dir)};
    *out = reinterpret_cast<cke_node*>(self(p)->open_node(node).release());
  });
}

inline void close_node(cke_node* node) { delete self(node); }  // NOLINT

inline int32_t write_file(cke_node* node, const char* path, uint32_t mode, const uint8_t* data,
                          size_t size, cke_error* err) {
  return barrier(err, [&] { self(node)->write_file(text(path), mode, {data, size}); });
}

inline int32_t start(cke_node* node, const cke_member_command* command, cke_error* err) {
  return barrier(err, [&] {
    MemberCommand c;
    c.argv.assign(command->argv, command->argv + command->argc);
    c.env.assign(command->env, command->env + command->envc);
    self(node)->start(c);
  });
}

inline int32_t stop(cke_node* node, int64_t timeout_ms, cke_error* err) {
  return barrier(err, [&] { self(node)->stop(timeout_ms); });
}

inline int32_t inspect(cke_node* node, cke_member_status* status, cke_error* err) {
  return barrier(err, [&] {
    const MemberStatus s = self(node)->inspect();
    status->state = s.state;
    status->pid = s.pid;
  });
}

inline int32_t wipe(cke_node* node, cke_error* err) {
  return barrier(err, [&] { self(node)->wipe(); });
}

inline int32_t stage_restore(cke_node* node, const cke_restore_spec* spec,
                             const cke_reader* snapshot, cke_error* err) {
  return barrier(err, [&] {
    const RestoreSpec s{text(spec->name), text(spec->initial_cluster), text(spec->cluster_token),
                        text(spec->peer_url)};
    Reader reader(*snapshot);
    self(node)->stage_restore(s, reader);
  });
}

inline int32_t discard_staged(cke_node* node, cke_error* err) {
  return barrier(err, [&] { self(node)->discard_staged(); });
}

inline int32_t swap_staged(cke_node* node, cke_error* err) {
  return barrier(err, [&] { self(node)->swap_staged(); });
}

inline int32_t drop_previous(cke_node* node, cke_error* err) {
  return barrier(err, [&] { self(node)->drop_previous(); });
}

inline int32_t log_tail(cke_node* node, size_t max_bytes, const cke_writer* out, cke_error* err) {
  return barrier(err, [&] {
    Writer writer(*out);
    self(node)->log_tail(max_bytes, writer);
  });
}

inline int32_t etcd_version(cke_node* node, const cke_writer* out, cke_error* err) {
  return barrier(err, [&] {
    const std::string version = self(node)->etcd_version();
    Writer writer(*out);
    writer.write({reinterpret_cast<const uint8_t*>(version.data()), version.size()});
  });
}

}  // namespace detail::runtime

template <class T>
const cke_plugin_descriptor* runtime_plugin(const PluginInfo& info) {
  namespace r = detail::runtime;
  static const cke_runtime_table table{sizeof(cke_runtime_table),
                                       &r::create<T>,
                                       &r::destroy,
                                       &r::open_node,
                                       &r::close_node,
                                       &r::write_file,
                                       &r::start,
                                       &r::stop,
                                       &r::inspect,
                                       &r::wipe,
                                       &r::stage_restore,
                                       &r::discard_staged,
                                       &r::swap_staged,
                                       &r::drop_previous,
                                       &r::log_tail,
                                       &r::etcd_version};
  static const cke_plugin_descriptor descriptor =
      detail::make_descriptor(CKE_KIND_RUNTIME, info, &table);
  return &descriptor;
}

}  // namespace cke::sdk
