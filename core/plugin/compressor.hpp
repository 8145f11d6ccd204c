// An instance of a compressor plugin, seen from the core: wraps the core's streams.
#pragma once

#include <memory>
#include <string>

#include "cke/compressor.h"
#include "core/plugin/registry.hpp"
#include "core/stream/byte_stream.hpp"

namespace cke::plugin {

class Compressor {
 public:
  // Creates an instance with `config_json`; throws cke::Error with a sentence naming the
  // plugin and its file when the plugin refuses.
  Compressor(const PluginRecord& record, const std::string& config_json = "{}");
  Compressor(const Compressor&) = delete;
  Compressor& operator=(const Compressor&) = delete;
  ~Compressor();

  [[nodiscard]] const std::string& name() const { return record_.name; }
  // ".gz", ".zst", ".xz" or "".
  [[nodiscard]] std::string extension() const { return table_->file_extension; }

  // A writer taking raw bytes and writing the compressed form into `sink`; its finish() ends the
  // frame (it does not finish `sink`). `sink` must outlive the returned writer.
  std::unique_ptr<stream::ByteWriter> compress_into(stream::ByteWriter& sink);
  // A reader yielding the raw bytes of the compressed data `source` yields.
  std::unique_ptr<stream::ByteReader> decompress_from(stream::ByteReader& source);

 private:
  const PluginRecord& record_;
  const cke_compressor_table* table_;
  cke_compressor* instance_ = nullptr;
};

}  // namespace cke::plugin
