#include "core/plugin/compressor.hpp"

#include "core/common/error.hpp"
#include "core/plugin/c_streams.hpp"
#include "core/plugin/host.hpp"
#include "core/plugin/instance.hpp"

namespace cke::plugin {
namespace {

class CompressWriter final : public stream::ByteWriter {
 public:
  CompressWriter(const PluginRecord& record, const cke_compressor_table* table,
                 cke_compressor* instance, stream::ByteWriter& sink)
      : record_(record), table_(table), sink_(as_c_writer(sink)) {
    CallError err;
    const int32_t status = table_->open_writer(instance, &sink_, &stream_, err.get());
    if (status != CKE_OK) {
      throw Error(describe(record_) + ": " + err.message(status), status);
    }
  }
  CompressWriter(const CompressWriter&) = delete;
  CompressWriter& operator=(const CompressWriter&) = delete;
  ~CompressWriter() override { table_->close_writer(stream_); }

  void write(std::span<const uint8_t> data) override {
    CallError err;
    const int32_t status = table_->write(stream_, data.data(), data.size(), err.get());
    if (status != CKE_OK) {
      throw Error(err.message(status), status);
    }
  }

  void finish() override {
    CallError err;
    const int32_t status = table_->finish(stream_, err.get());
    if (status != CKE_OK) {
      throw Error(err.message(status), status);
    }
  }

 private:
  const PluginRecord& record_;
  const cke_compressor_table* table_;
  cke_writer sink_;  // must stay at a fixed address while the plugin holds it
  cke_compress_stream* stream_ = nullptr;
};

class DecompressReader final : public stream::ByteReader {
 public:
  DecompressReader(const PluginRecord& record, const cke_compressor_table* table,
                   cke_compressor* instance, stream::ByteReader& source)
      : table_(table), source_(as_c_reader(source)) {
    CallError err;
    const int32_t status = table_->open_reader(instance, &source_, &stream_, err.get());
    if (status != CKE_OK) {
      throw Error(describe(record) + ": " + err.message(status), status);
    }
  }
  DecompressReader(const DecompressReader&) = delete;
  DecompressReader& operator=(const DecompressReader&) = delete;
  ~DecompressReader() override { table_->close_reader(stream_); }

  size_t read(std::span<uint8_t> buf) override {
    CallError err;
    const int64_t n = table_->read(stream_, buf.data(), buf.size(), err.get());
    if (n < 0) {
      const auto status = static_cast<int32_t>(-n);
      throw Error(err.message(status), status);
    }
    return static_cast<size_t>(n);
  }

 private:
  const cke_compressor_table* table_;
  cke_reader source_;
  cke_decompress_stream* stream_ = nullptr;
};

}  // namespace

Compressor::Compressor(const PluginRecord& record, const std::string& config_json)
    : record_(record),
      table_(static_cast<const cke_compressor_table*>(record.table)),
      instance_(create_instance<cke_compressor>(
          record, Kind::compressor,
          [&](auto** out, auto* err) { return table_->create(config_json.c_str(), out, err); })) {}

Compressor::~Compressor() { table_->destroy(instance_); }

std::unique_ptr<stream::ByteWriter> Compressor::compress_into(stream::ByteWriter& sink) {
  return std::make_unique<CompressWriter>(record_, table_, instance_, sink);
}

std::unique_ptr<stream::ByteReader> Compressor::decompress_from(stream::ByteReader& source) {
  return std::make_unique<DecompressReader>(record_, table_, instance_, source);
}

}  // namespace cke::plugin
