// libarchive-backed compress and decompress streams (raw format: one unnamed payload, no
// archive structure, so the output is exactly what `gzip`, `zstd` and `xz` produce and read).
#pragma once

#include <archive.h>

#include <exception>
#include <memory>
#include <vector>

#include "cke/sdk/compressor.hpp"
#include "codec.hpp"

namespace cke::plugins::compress {

class ArchiveCompressStream final : public sdk::CompressStream {
 public:
  ArchiveCompressStream(const CodecSettings& settings, sdk::Writer sink);
  ArchiveCompressStream(const ArchiveCompressStream&) = delete;
  ArchiveCompressStream& operator=(const ArchiveCompressStream&) = delete;
  ~ArchiveCompressStream() override;

  void write(std::span<const uint8_t> data) override;
  void finish() override;

 private:
  static la_ssize_t on_output(struct archive* a, void* self, const void* buf, size_t size);
  [[noreturn]] void fail(const char* doing);

  sdk::Writer sink_;
  struct archive* archive_;
  std::exception_ptr sink_error_;  // what the sink threw inside a libarchive callback
  bool finished_ = false;
};

class ArchiveDecompressStream final : public sdk::DecompressStream {
 public:
  ArchiveDecompressStream(Codec codec, sdk::Reader source);
  ArchiveDecompressStream(const ArchiveDecompressStream&) = delete;
  ArchiveDecompressStream& operator=(const ArchiveDecompressStream&) = delete;
  ~ArchiveDecompressStream() override;

  size_t read(std::span<uint8_t> buf) override;

 private:
  static la_ssize_t on_input(struct archive* a, void* self, const void** buf);
  [[noreturn]] void fail(const char* doing);
  void open();

  Codec codec_;
  sdk::Reader source_;
  struct archive* archive_;
  std::vector<uint8_t> input_;
  std::exception_ptr source_error_;
  bool opened_ = false;
  bool at_end_ = false;
};

}  // namespace cke::plugins::compress
