// The compressor plugin group: gzip, zstd and xz on libarchive's raw filters, and none.
#include <memory>
#include <string_view>

#include "archive_streams.hpp"
#include "cke/sdk/plugin.hpp"
#include "codec.hpp"

namespace cke::plugins::compress {
namespace {

template <Codec kCodec>
class ArchiveCompressor final : public sdk::Compressor {
 public:
  explicit ArchiveCompressor(std::string_view config_json)
      : settings_(parse_settings(kCodec, config_json)) {}

  std::unique_ptr<sdk::CompressStream> open_writer(sdk::Writer sink) override {
    return std::make_unique<ArchiveCompressStream>(settings_, sink);
  }
  std::unique_ptr<sdk::DecompressStream> open_reader(sdk::Reader source) override {
    return std::make_unique<ArchiveDecompressStream>(kCodec, source);
  }

 private:
  CodecSettings settings_;
};

// `none` passes bytes through unchanged: no filter, no copy beyond the caller's buffers.
class PassThroughWriter final : public sdk::CompressStream {
 public:
  explicit PassThroughWriter(sdk::Writer sink) : sink_(sink) {}
  void write(std::span<const uint8_t> data) override { sink_.write(data); }
  void finish() override {}

 private:
  sdk::Writer sink_;
};

class PassThroughReader final : public sdk::DecompressStream {
 public:
  explicit PassThroughReader(sdk::Reader source) : source_(source) {}
  size_t read(std::span<uint8_t> buf) override { return buf.empty() ? 0 : source_.read(buf); }

 private:
  sdk::Reader source_;
};

class NoCompressor final : public sdk::Compressor {
 public:
  explicit NoCompressor(std::string_view config_json) {
    if (config_json.find_first_not_of(" \t\r\n{}") != std::string_view::npos) {
      throw sdk::Error(CKE_INVALID_ARGUMENT, "none takes no configuration");
    }
  }
  std::unique_ptr<sdk::CompressStream> open_writer(sdk::Writer sink) override {
    return std::make_unique<PassThroughWriter>(sink);
  }
  std::unique_ptr<sdk::DecompressStream> open_reader(sdk::Reader source) override {
    return std::make_unique<PassThroughReader>(source);
  }
};

constexpr const char* kVersion = "1.0.0";

}  // namespace
}  // namespace cke::plugins::compress

using cke::plugins::compress::ArchiveCompressor;
using cke::plugins::compress::Codec;

CKE_PLUGINS(
    cke::sdk::compressor_plugin<ArchiveCompressor<Codec::gzip>>(
        {"gzip", cke::plugins::compress::kVersion,
         "gzip (zlib) through libarchive, level 1-9, default 6",
         R"({"type":"object","properties":{"level":{"type":"integer","minimum":1,"maximum":9,"default":6}},"additionalProperties":false})"},
        ".gz"),
    cke::sdk::compressor_plugin<ArchiveCompressor<Codec::zstd>>(
        {"zstd", cke::plugins::compress::kVersion,
         "Zstandard through libarchive, level 1-19, default 3",
         R"({"type":"object","properties":{"level":{"type":"integer","minimum":1,"maximum":19,"default":3},"threads":{"type":"integer","minimum":0,"maximum":64,"default":0}},"additionalProperties":false})"},
        ".zst"),
    cke::sdk::compressor_plugin<ArchiveCompressor<Codec::xz>>(
        {"xz", cke::plugins::compress::kVersion,
         "xz (LZMA2) through libarchive, level 0-9, default 1",
         R"({"type":"object","properties":{"level":{"type":"integer","minimum":0,"maximum":9,"default":1}},"additionalProperties":false})"},
        ".xz"),
    cke::sdk::compressor_plugin<cke::plugins::compress::NoCompressor>(
        {"none", cke::plugins::compress::kVersion, "no compression: bytes pass through unchanged",
         R"({"type":"object","additionalProperties":false})"},
        ""))
