#include "core/plugin/publisher.hpp"

#include "core/common/error.hpp"
#include "core/plugin/c_streams.hpp"
#include "core/plugin/instance.hpp"

namespace cke::plugin {
namespace {

// The C view of `set`, borrowing its strings; alive as long as this object and `set`.
class CEndpointSet {
 public:
  explicit CEndpointSet(const EndpointSet& set) {
    endpoints_.reserve(set.endpoints.size());
    for (const auto& e : set.endpoints) {
      endpoints_.push_back({sizeof(cke_endpoint), e.member_name.c_str(), e.address.c_str(), e.port,
                            e.ready ? 1u : 2u, e.peer_port});
    }
    for (const auto& e : endpoints_) {
      pointers_.push_back(&e);
    }
    c_ = {sizeof(cke_endpoint_set),
          set.cluster_name.c_str(),
          set.service_name.c_str(),
          set.namespace_name.c_str(),
          set.cluster_domain.c_str(),
          pointers_.data(),
          pointers_.size()};
  }
  CEndpointSet(const CEndpointSet&) = delete;
  CEndpointSet& operator=(const CEndpointSet&) = delete;

  [[nodiscard]] const cke_endpoint_set* get() const { return &c_; }

 private:
  std::vector<cke_endpoint> endpoints_;
  std::vector<const cke_endpoint*> pointers_;
  cke_endpoint_set c_{};
};

std::vector<const char*> c_strings(const std::vector<std::string>& strings) {
  std::vector<const char*> out;
  out.reserve(strings.size());
  for (const auto& s : strings) {
    out.push_back(s.c_str());
  }
  return out;
}

}  // namespace

bool keeps_objects(const PluginRecord& record) {
  if (record.kind != Kind::publisher) {
    return false;
  }
  const auto* table = static_cast<const cke_publisher_table*>(record.table);
  return CKE_HAS_FIELD(cke_publisher_table, table, fetch) && table->apply_objects != nullptr &&
         table->fetch != nullptr;
}

Publisher::Publisher(const PluginRecord& record, const std::string& config_json)
    : record_(record),
      table_(static_cast<const cke_publisher_table*>(record.table)),
      instance_(create_instance<cke_publisher>(record, Kind::publisher, [&](auto** out, auto* err) {
        return table_->create(config_json.c_str(), out, err);
      })) {}

Publisher::~Publisher() { table_->destroy(instance_); }

void Publisher::publish(const EndpointSet& set) {
  const CEndpointSet c(set);
  CallError err;
  check_call(table_->publish(instance_, c.get(), err.get()), err, record_);
}

void Publisher::withdraw(const EndpointSet& set) {
  const CEndpointSet c(set);
  CallError err;
  check_call(table_->withdraw(instance_, c.get(), err.get()), err, record_);
}

void Publisher::apply_objects(const ObjectSet& set) {
  if (!keeps_objects(record_)) {
    throw Error("publisher plugin \"" + record_.name + "\" keeps no Kubernetes objects",
                CKE_UNIMPLEMENTED);
  }
  const auto kinds = c_strings(set.kinds);
  const auto objects = c_strings(set.objects);
  const cke_object_set c{sizeof(cke_object_set), set.set_name.c_str(), set.namespace_name.c_str(),
                         kinds.data(),           kinds.size(),         objects.data(),
                         objects.size()};
  CallError err;
  check_call(table_->apply_objects(instance_, &c, err.get()), err, record_);
}

void Publisher::fetch(const std::string& path, stream::ByteWriter& sink) {
  if (!keeps_objects(record_)) {
    throw Error("publisher plugin \"" + record_.name + "\" cannot fetch from its target",
                CKE_UNIMPLEMENTED);
  }
  const cke_writer writer = as_c_writer(sink);
  CallError err;
  check_call(table_->fetch(instance_, path.c_str(), &writer, err.get()), err, record_);
}

}  // namespace cke::plugin
