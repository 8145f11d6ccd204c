#include "core/api/manifest_proto.hpp"

namespace cke::api {

void to_proto(const backup::Manifest& m, v1::BackupManifest* out) {
  out->set_name(m.name);
  out->set_created_at(m.created_at);
  out->set_cluster_id(m.cluster_id);
  out->set_member(m.member);
  out->set_revision(m.revision);
  out->set_raw_size(m.raw_size);
  out->set_stored_size(m.stored_size);
  out->set_raw_sha256(m.raw_sha256);
  out->set_stored_sha256(m.stored_sha256);
  out->set_compressor(m.compressor);
  out->set_cke_version(m.cke_version);
}

backup::Manifest from_proto(const v1::BackupManifest& m) {
  backup::Manifest out;
  out.name = m.name();
  out.created_at = m.created_at();
  out.cluster_id = m.cluster_id();
  out.member = m.member();
  out.revision = m.revision();
  out.raw_size = m.raw_size();
  out.stored_size = m.stored_size();
  out.raw_sha256 = m.raw_sha256();
  out.stored_sha256 = m.stored_sha256();
  out.compressor = m.compressor();
  out.cke_version = m.cke_version();
  return out;
}

}  // namespace cke::api
