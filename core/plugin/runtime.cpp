#include "core/plugin/runtime.hpp"

#include "core/plugin/instance.hpp"

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
