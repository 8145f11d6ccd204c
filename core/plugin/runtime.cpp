#include "core/plugin/runtime.hpp"

#include "core/plugin/c_streams.hpp"
#include "core/plugin/instance.hpp"
#include "core/stream/memory_stream.hpp"

namespace cke::plugin {

NodeHandle::~NodeHandle() { table_->close_node(node_); }

void NodeHandle::write_file(const std::string& relative_path, uint32_t mode,
                            const std::string& content) {
  CallError err;
  check_call(table_->write_file(node_, relative_path.c_str(), mode,
                                reinterpret_cast<const uint8_t*>(content.data()), content.size(),
                                err.get()),
             err, record_);
}

void NodeHandle::start(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
  std::vector<const char*> args;
  for (const auto& a : argv) {
    args.push_back(a.c_str());
  }
  std::vector<const char*> envs;
  for (const auto& e : env) {
    envs.push_back(e.c_str());
  }
  const cke_member_command command{sizeof(cke_member_command), args.data(), args.size(),
                                   envs.data(), envs.size()};
  CallError err;
  check_call(table_->start(node_, &command, err.get()), err, record_);
}

void NodeHandle::stop(int64_t timeout_ms) {
  CallError err;
  check_call(table_->stop(node_, timeout_ms, err.get()), err, record_);
}

MemberStatus NodeHandle::inspect() {
  cke_member_status status{sizeof(cke_member_status), CKE_MEMBER_ABSENT, 0};
  CallError err;
  check_call(table_->inspect(node_, &status, err.get()), err, record_);
  if (status.state < CKE_MEMBER_ABSENT || status.state > CKE_MEMBER_RUNNING) {
    throw Error(
        record_.name + ": inspect returned an unknown member state " + std::to_string(status.state),
        CKE_INTERNAL);
  }
  return {static_cast<MemberState>(status.state), status.pid};
}

void NodeHandle::wipe() {
  CallError err;
  check_call(table_->wipe(node_, err.get()), err, record_);
}

template <class Fn>
Fn NodeHandle::entry(Fn cke_runtime_table::*member, const char* what) const {
  // Every 1.2 entry sits after stage_restore, the first one 1.2 added.
  if (CKE_HAS_FIELD(cke_runtime_table, table_, log_tail) && table_->*member != nullptr) {
    return table_->*member;
  }
  throw Error("runtime plugin " + record_.name + " cannot " + what +
                  ": it was built against an SDK older than ABI 1.2; rebuild it against this "
                  "cke's SDK",
              CKE_UNIMPLEMENTED);
}

void NodeHandle::stage_restore(const RestoreSpec& spec, stream::ByteReader& snapshot) {
  const auto fn = entry(&cke_runtime_table::stage_restore, "stage restored data");
  const cke_restore_spec c{sizeof(cke_restore_spec), spec.name.c_str(),
                           spec.initial_cluster.c_str(), spec.cluster_token.c_str(),
                           spec.peer_url.c_str()};
  const cke_reader reader = as_c_reader(snapshot);
  CallError err;
  check_call(fn(node_, &c, &reader, err.get()), err, record_);
}

void NodeHandle::discard_staged() {
  const auto fn = entry(&cke_runtime_table::discard_staged, "discard staged data");
  CallError err;
  check_call(fn(node_, err.get()), err, record_);
}

void NodeHandle::swap_staged() {
  const auto fn = entry(&cke_runtime_table::swap_staged, "swap in restored data");
  CallError err;
  check_call(fn(node_, err.get()), err, record_);
}

void NodeHandle::drop_previous() {
  const auto fn = entry(&cke_runtime_table::drop_previous, "drop replaced data");
  CallError err;
  check_call(fn(node_, err.get()), err, record_);
}

std::string NodeHandle::log_tail(size_t max_bytes) {
  if (!CKE_HAS_FIELD(cke_runtime_table, table_, log_tail) || table_->log_tail == nullptr) {
    return "";
  }
  stream::StringWriter out;
  const cke_writer writer = as_c_writer(out);
  CallError err;
  if (table_->log_tail(node_, max_bytes, &writer, err.get()) != CKE_OK) {
    return "";  // only for messages: a log that cannot be read says nothing
  }
  return out.text();
}

std::string NodeHandle::etcd_version(std::string* error) {
  if (!CKE_HAS_FIELD(cke_runtime_table, table_, etcd_version) || table_->etcd_version == nullptr) {
    return "";
  }
  stream::StringWriter out;
  const cke_writer writer = as_c_writer(out);
  CallError err;
  if (const int32_t status = table_->etcd_version(node_, &writer, err.get()); status != CKE_OK) {
    if (error != nullptr && status != CKE_UNIMPLEMENTED) {
      *error = err.message(status);
    }
    return "";
  }
  return out.text();
}

Runtime::Runtime(const PluginRecord& record, const std::string& config_json,
                 RuntimeEventHandler events)
    : record_(record),
      table_(static_cast<const cke_runtime_table*>(record.table)),
      events_(std::move(events)),
      sink_{sizeof(cke_event_sink), this, &Runtime::on_event},
      instance_(create_instance<cke_runtime>(record, Kind::runtime, [&](auto** out, auto* err) {
        return table_->create(config_json.c_str(), &sink_, out, err);
      })) {}

Runtime::~Runtime() { table_->destroy(instance_); }

void Runtime::on_event(void* ctx, const char* node, int32_t level, const char* message) {
  const auto* self = static_cast<const Runtime*>(ctx);
  if (self->events_) {
    self->events_(node != nullptr ? node : "", level, message != nullptr ? message : "");
  }
}

std::unique_ptr<NodeHandle> Runtime::open_node(const NodeSpec& spec) {
  const cke_node_spec c_spec{sizeof(cke_node_spec), spec.address.c_str(), spec.hostname.c_str(),
                             spec.user.c_str(), spec.member_dir.c_str()};
  cke_node* node = nullptr;
  CallError err;
  check_call(table_->open_node(instance_, &c_spec, &node, err.get()), err, record_);
  return std::make_unique<NodeHandle>(record_, table_, node);
}

}  // namespace cke::plugin
