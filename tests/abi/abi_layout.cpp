#include "tests/abi/abi_layout.hpp"

#include <cstddef>
#include <sstream>

#include "cke/plugin_abi.h"

namespace cke::test {
namespace {

#define CKE_STRUCT(S) out << "struct " #S " " << sizeof(S) << "\n"
#define CKE_MEMBER(S, m) out << "  " #m " " << offsetof(S, m) << " " << sizeof(S::m) << "\n"

}  // namespace

std::string abi_layout_table() {
  std::ostringstream out;
  out << "abi " << CKE_ABI_MAJOR << "." << CKE_ABI_MINOR << "\n";

  CKE_STRUCT(cke_error);
  CKE_MEMBER(cke_error, struct_size);
  CKE_MEMBER(cke_error, code);
  CKE_MEMBER(cke_error, message);

  CKE_STRUCT(cke_reader);
  CKE_MEMBER(cke_reader, struct_size);
  CKE_MEMBER(cke_reader, ctx);
  CKE_MEMBER(cke_reader, read);

  CKE_STRUCT(cke_writer);
  CKE_MEMBER(cke_writer, struct_size);
  CKE_MEMBER(cke_writer, ctx);
  CKE_MEMBER(cke_writer, write);

  CKE_STRUCT(cke_host);
  CKE_MEMBER(cke_host, struct_size);
  CKE_MEMBER(cke_host, abi_version);
  CKE_MEMBER(cke_host, log);
  CKE_MEMBER(cke_host, set_error);
  CKE_MEMBER(cke_host, clear_error);

  CKE_STRUCT(cke_plugin_descriptor);
  CKE_MEMBER(cke_plugin_descriptor, struct_size);
  CKE_MEMBER(cke_plugin_descriptor, abi_version);
  CKE_MEMBER(cke_plugin_descriptor, kind);
  CKE_MEMBER(cke_plugin_descriptor, name);
  CKE_MEMBER(cke_plugin_descriptor, version);
  CKE_MEMBER(cke_plugin_descriptor, description);
  CKE_MEMBER(cke_plugin_descriptor, config_schema);
  CKE_MEMBER(cke_plugin_descriptor, table);

  CKE_STRUCT(cke_plugin_list);
  CKE_MEMBER(cke_plugin_list, struct_size);
  CKE_MEMBER(cke_plugin_list, abi_version);
  CKE_MEMBER(cke_plugin_list, count);
  CKE_MEMBER(cke_plugin_list, plugins);

  CKE_STRUCT(cke_compressor_table);
  CKE_MEMBER(cke_compressor_table, struct_size);
  CKE_MEMBER(cke_compressor_table, file_extension);
  CKE_MEMBER(cke_compressor_table, create);
  CKE_MEMBER(cke_compressor_table, destroy);
  CKE_MEMBER(cke_compressor_table, open_writer);
  CKE_MEMBER(cke_compressor_table, write);
  CKE_MEMBER(cke_compressor_table, finish);
  CKE_MEMBER(cke_compressor_table, close_writer);
  CKE_MEMBER(cke_compressor_table, open_reader);
  CKE_MEMBER(cke_compressor_table, read);
  CKE_MEMBER(cke_compressor_table, close_reader);

  CKE_STRUCT(cke_object_info);
  CKE_MEMBER(cke_object_info, struct_size);
  CKE_MEMBER(cke_object_info, key);
  CKE_MEMBER(cke_object_info, size);
  CKE_MEMBER(cke_object_info, mtime_unix_ms);

  CKE_STRUCT(cke_storage_table);
  CKE_MEMBER(cke_storage_table, struct_size);
  CKE_MEMBER(cke_storage_table, create);
  CKE_MEMBER(cke_storage_table, destroy);
  CKE_MEMBER(cke_storage_table, put);
  CKE_MEMBER(cke_storage_table, get);
  CKE_MEMBER(cke_storage_table, stat);
  CKE_MEMBER(cke_storage_table, remove);
  CKE_MEMBER(cke_storage_table, list);

  CKE_STRUCT(cke_cert_request);
  CKE_MEMBER(cke_cert_request, struct_size);
  CKE_MEMBER(cke_cert_request, ca_name);
  CKE_MEMBER(cke_cert_request, common_name);
  CKE_MEMBER(cke_cert_request, dns_names);
  CKE_MEMBER(cke_cert_request, dns_name_count);
  CKE_MEMBER(cke_cert_request, ip_addresses);
  CKE_MEMBER(cke_cert_request, ip_address_count);
  CKE_MEMBER(cke_cert_request, usages);
  CKE_MEMBER(cke_cert_request, key_type);
  CKE_MEMBER(cke_cert_request, not_before_unix);
  CKE_MEMBER(cke_cert_request, ttl_seconds);

  CKE_STRUCT(cke_revoked_certificate);
  CKE_MEMBER(cke_revoked_certificate, struct_size);
  CKE_MEMBER(cke_revoked_certificate, serial_hex);
  CKE_MEMBER(cke_revoked_certificate, revoked_at_unix);

  CKE_STRUCT(cke_cert_backend_table);
  CKE_MEMBER(cke_cert_backend_table, struct_size);
  CKE_MEMBER(cke_cert_backend_table, create);
  CKE_MEMBER(cke_cert_backend_table, destroy);
  CKE_MEMBER(cke_cert_backend_table, ca_certificate);
  CKE_MEMBER(cke_cert_backend_table, issue);
  CKE_MEMBER(cke_cert_backend_table, sign_crl);

  CKE_STRUCT(cke_endpoint);
  CKE_MEMBER(cke_endpoint, struct_size);
  CKE_MEMBER(cke_endpoint, member_name);
  CKE_MEMBER(cke_endpoint, address);
  CKE_MEMBER(cke_endpoint, port);
  CKE_MEMBER(cke_endpoint, ready);
  CKE_MEMBER(cke_endpoint, peer_port);

  CKE_STRUCT(cke_endpoint_set);
  CKE_MEMBER(cke_endpoint_set, struct_size);
  CKE_MEMBER(cke_endpoint_set, cluster_name);
  CKE_MEMBER(cke_endpoint_set, service_name);
  CKE_MEMBER(cke_endpoint_set, namespace_name);
  CKE_MEMBER(cke_endpoint_set, cluster_domain);
  CKE_MEMBER(cke_endpoint_set, endpoints);
  CKE_MEMBER(cke_endpoint_set, endpoint_count);

  CKE_STRUCT(cke_publisher_table);
  CKE_MEMBER(cke_publisher_table, struct_size);
  CKE_MEMBER(cke_publisher_table, create);
  CKE_MEMBER(cke_publisher_table, destroy);
  CKE_MEMBER(cke_publisher_table, publish);
  CKE_MEMBER(cke_publisher_table, withdraw);
  CKE_MEMBER(cke_publisher_table, apply_objects);
  CKE_MEMBER(cke_publisher_table, fetch);

  CKE_STRUCT(cke_object_set);
  CKE_MEMBER(cke_object_set, struct_size);
  CKE_MEMBER(cke_object_set, set_name);
  CKE_MEMBER(cke_object_set, namespace_name);
  CKE_MEMBER(cke_object_set, kinds);
  CKE_MEMBER(cke_object_set, kind_count);
  CKE_MEMBER(cke_object_set, objects);
  CKE_MEMBER(cke_object_set, object_count);

  CKE_STRUCT(cke_event_sink);
  CKE_MEMBER(cke_event_sink, struct_size);
  CKE_MEMBER(cke_event_sink, ctx);
  CKE_MEMBER(cke_event_sink, emit);

  CKE_STRUCT(cke_node_spec);
  CKE_MEMBER(cke_node_spec, struct_size);
  CKE_MEMBER(cke_node_spec, address);
  CKE_MEMBER(cke_node_spec, hostname);
  CKE_MEMBER(cke_node_spec, user);
  CKE_MEMBER(cke_node_spec, member_dir);

  CKE_STRUCT(cke_member_command);
  CKE_MEMBER(cke_member_command, struct_size);
  CKE_MEMBER(cke_member_command, argv);
  CKE_MEMBER(cke_member_command, argc);
  CKE_MEMBER(cke_member_command, env);
  CKE_MEMBER(cke_member_command, envc);

  CKE_STRUCT(cke_member_status);
  CKE_MEMBER(cke_member_status, struct_size);
  CKE_MEMBER(cke_member_status, state);
  CKE_MEMBER(cke_member_status, pid);

  CKE_STRUCT(cke_restore_spec);
  CKE_MEMBER(cke_restore_spec, struct_size);
  CKE_MEMBER(cke_restore_spec, name);
  CKE_MEMBER(cke_restore_spec, initial_cluster);
  CKE_MEMBER(cke_restore_spec, cluster_token);
  CKE_MEMBER(cke_restore_spec, peer_url);

  CKE_STRUCT(cke_runtime_table);
  CKE_MEMBER(cke_runtime_table, struct_size);
  CKE_MEMBER(cke_runtime_table, create);
  CKE_MEMBER(cke_runtime_table, destroy);
  CKE_MEMBER(cke_runtime_table, open_node);
  CKE_MEMBER(cke_runtime_table, close_node);
  CKE_MEMBER(cke_runtime_table, write_file);
  CKE_MEMBER(cke_runtime_table, start);
  CKE_MEMBER(cke_runtime_table, stop);
  CKE_MEMBER(cke_runtime_table, inspect);
  CKE_MEMBER(cke_runtime_table, wipe);
  CKE_MEMBER(cke_runtime_table, stage_restore);
  CKE_MEMBER(cke_runtime_table, discard_staged);
  CKE_MEMBER(cke_runtime_table, swap_staged);
  CKE_MEMBER(cke_runtime_table, drop_previous);
  CKE_MEMBER(cke_runtime_table, log_tail);
  CKE_MEMBER(cke_runtime_table, etcd_version);

  return out.str();
}

}  // namespace cke::test
