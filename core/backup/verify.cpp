#include "core/backup/verify.hpp"

#include <vector>

#include "core/backup/catalog.hpp"
#include "core/backup/trailer_check.hpp"
#include "core/common/error.hpp"
#include "core/plugin/compressor.hpp"
#include "core/stream/hashing.hpp"
#include "core/stream/pipe.hpp"

namespace cke::backup {

Manifest verify_backup(const plugin::Registry& registry, plugin::Storage& storage,
                       const std::string& name) {
  const Manifest m = read_manifest(storage, name);
  plugin::Compressor compressor(registry.require(plugin::Kind::compressor, m.compressor));
  std::string stored_sha;
  uint64_t stored_size = 0;
  TrailerCheck trailer;
  std::string decompress_error;
  stream::through_pipe(
      [&](stream::ByteWriter& writer) {
        stream::HashingWriter stored(writer);
        storage.get(name, stored);
        stored_size = stored.size();
        stored_sha = stored.hex_digest();
      },
      [&](stream::ByteReader& reader) {
        std::vector<uint8_t> buf(stream::kChunkSize);
        try {
          auto raw = compressor.decompress_from(reader);
          while (const size_t n = raw->read(buf)) {
            trailer.update({buf.data(), n});
          }
        } catch (const Error& e) {
          decompress_error = e.what();
        }
        // Read on to the end (past a frame's end too), so the stored size and hash, usually the
        // clearer finding, are complete.
        while (reader.read(buf) > 0) {
        }
      });
  const auto mismatch = [&](const std::string& what, const std::string& expected,
                            const std::string& found) {
    return Error("backup " + name + " is damaged: " + what + " is " + found +
                     ", the manifest says " + expected,
                 CKE_DATA_LOSS);
  };
  if (stored_size != m.stored_size) {
    throw mismatch("the stored size", std::to_string(m.stored_size), std::to_string(stored_size));
  }
  if (stored_sha != m.stored_sha256) {
    throw mismatch("the stored SHA-256", m.stored_sha256, stored_sha);
  }
  if (!decompress_error.empty()) {
    throw Error("backup " + name + " is damaged: " + decompress_error, CKE_DATA_LOSS);
  }
  if (trailer.size() != m.raw_size) {
    throw mismatch("the snapshot size", std::to_string(m.raw_size), std::to_string(trailer.size()));
  }
  if (trailer.hex_digest() != m.raw_sha256) {
    throw mismatch("the snapshot SHA-256", m.raw_sha256, trailer.hex_digest());
  }
  if (!trailer.trailer_matches()) {
    throw Error(
        "backup " + name + " is damaged: etcd's SHA-256 trailer does not match the snapshot",
        CKE_DATA_LOSS);
  }
  return m;
}

}  // namespace cke::backup
