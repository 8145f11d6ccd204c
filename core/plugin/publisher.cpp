#include "core/plugin/publisher.hpp"

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

}  // namespace

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

}  // namespace cke::plugin
