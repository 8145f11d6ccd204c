#include "archive_streams.hpp"

#include <archive_entry.h>

#include <string>

namespace cke::plugins::compress {
namespace {

constexpr size_t kBlockSize = 64 * 1024;

int add_write_filter(struct archive* a, Codec codec) {
  switch (codec) {
    case Codec::gzip: return archive_write_add_filter_gzip(a);
    case Codec::zstd: return archive_write_add_filter_zstd(a);
    case Codec::xz: return archive_write_add_filter_xz(a);
  }
  return ARCHIVE_FATAL;
}

int add_read_filter(struct archive* a, Codec codec) {
  switch (codec) {
    case Codec::gzip: return archive_read_support_filter_gzip(a);
    case Codec::zstd: return archive_read_support_filter_zstd(a);
    case Codec::xz: return archive_read_support_filter_xz(a);
  }
  return ARCHIVE_FATAL;
}

int filter_code(Codec codec) {
  switch (codec) {
    case Codec::gzip: return ARCHIVE_FILTER_GZIP;
    case Codec::zstd: return ARCHIVE_FILTER_ZSTD;
    case Codec::xz: return ARCHIVE_FILTER_XZ;
  }
  return ARCHIVE_FILTER_NONE;
}

std::string archive_message(struct archive* a) {
  const char* text = archive_error_string(a);
  return text != nullptr ? text : "unknown libarchive error";
}

}  // namespace

ArchiveCompressStream::ArchiveCompressStream(const CodecSettings& settings, sdk::Writer sink)
    : sink_(sink), archive_(archive_write_new()) {
  if (archive_ == nullptr) {
    throw sdk::Error(CKE_RESOURCE_EXHAUSTED, "cannot allocate a libarchive writer");
  }
  const std::string codec = codec_name(settings.codec);
  if (archive_write_set_format_raw(archive_) != ARCHIVE_OK ||
      add_write_filter(archive_, settings.codec) != ARCHIVE_OK) {
    fail(("setting up the " + codec + " filter").c_str());
  }
  const std::string level = std::to_string(settings.level);
  if (archive_write_set_filter_option(archive_, nullptr, "compression-level", level.c_str()) !=
      ARCHIVE_OK) {
    fail("setting the compression level");
  }
  if (settings.threads > 0) {
    const std::string threads = std::to_string(settings.threads);
    if (archive_write_set_filter_option(archive_, nullptr, "threads", threads.c_str()) !=
        ARCHIVE_OK) {
      fail("setting the thread count");
    }
  }
  // Without these, libarchive pads the output with zeros to a whole block, which gzip -d and
  // zstd -d reject as trailing garbage.
  archive_write_set_bytes_per_block(archive_, static_cast<int>(kBlockSize));
  archive_write_set_bytes_in_last_block(archive_, 1);
  if (archive_write_open(archive_, this, nullptr, &ArchiveCompressStream::on_output, nullptr) !=
      ARCHIVE_OK) {
    fail("opening the compressor");
  }
  // The raw format carries one entry; its metadata is not written anywhere.
  struct archive_entry* entry = archive_entry_new();
  archive_entry_set_filetype(entry, AE_IFREG);
  archive_entry_set_pathname(entry, "data");
  const int status = archive_write_header(archive_, entry);
  archive_entry_free(entry);
  if (status != ARCHIVE_OK) {
    fail("starting the stream");
  }
}

ArchiveCompressStream::~ArchiveCompressStream() {
  if (!finished_) {
    // Abandoned: make libarchive drop its state instead of flushing a trailer into the sink.
    archive_write_fail(archive_);
  }
  archive_write_free(archive_);
}

la_ssize_t ArchiveCompressStream::on_output(struct archive* /*a*/, void* self, const void* buf,
                                            size_t size) {
  auto* stream = static_cast<ArchiveCompressStream*>(self);
  try {
    stream->sink_.write({static_cast<const uint8_t*>(buf), size});
    return static_cast<la_ssize_t>(size);
  } catch (...) {
    stream->sink_error_ = std::current_exception();  // rethrown once libarchive returns
    return -1;
  }
}

void ArchiveCompressStream::fail(const char* doing) {
  if (sink_error_) {
    std::rethrow_exception(sink_error_);
  }
  throw sdk::Error(CKE_INTERNAL, std::string(doing) + ": " + archive_message(archive_));
}

void ArchiveCompressStream::write(std::span<const uint8_t> data) {
  if (finished_) {
    throw sdk::Error(CKE_FAILED_PRECONDITION, "write after finish");
  }
  while (!data.empty()) {
    const la_ssize_t n = archive_write_data(archive_, data.data(), data.size());
    if (n <= 0) {
      fail("compressing");
    }
    data = data.subspan(static_cast<size_t>(n));
  }
}

void ArchiveCompressStream::finish() {
  if (finished_) {
    return;
  }
  finished_ = true;
  if (archive_write_close(archive_) != ARCHIVE_OK) {
    fail("finishing the stream");
  }
}

ArchiveDecompressStream::ArchiveDecompressStream(Codec codec, sdk::Reader source)
    : codec_(codec), source_(source), archive_(archive_read_new()), input_(kBlockSize) {
  if (archive_ == nullptr) {
    throw sdk::Error(CKE_RESOURCE_EXHAUSTED, "cannot allocate a libarchive reader");
  }
  // format_empty lets a compressed empty payload read as zero bytes instead of failing.
  if (add_read_filter(archive_, codec) != ARCHIVE_OK ||
      archive_read_support_format_raw(archive_) != ARCHIVE_OK ||
      archive_read_support_format_empty(archive_) != ARCHIVE_OK) {
    throw sdk::Error(CKE_INTERNAL, "setting up the decompressor: " + archive_message(archive_));
  }
}

ArchiveDecompressStream::~ArchiveDecompressStream() { archive_read_free(archive_); }

la_ssize_t ArchiveDecompressStream::on_input(struct archive* /*a*/, void* self, const void** buf) {
  auto* stream = static_cast<ArchiveDecompressStream*>(self);
  try {
    *buf = stream->input_.data();
    return static_cast<la_ssize_t>(stream->source_.read(stream->input_));
  } catch (...) {
    stream->source_error_ = std::current_exception();
    return -1;
  }
}

void ArchiveDecompressStream::fail(const char* doing) {
  if (source_error_) {
    std::rethrow_exception(source_error_);
  }
  throw sdk::Error(CKE_DATA_LOSS, std::string(doing) + " " + codec_name(codec_) +
                                      " data: " + archive_message(archive_));
}

void ArchiveDecompressStream::open() {
  opened_ = true;
  if (archive_read_open(archive_, this, nullptr, &ArchiveDecompressStream::on_input, nullptr) !=
      ARCHIVE_OK) {
    fail("opening");
  }
  struct archive_entry* entry = nullptr;
  const int status = archive_read_next_header(archive_, &entry);
  if (status != ARCHIVE_OK && status != ARCHIVE_EOF) {
    fail("reading");
  }
  // Without its filter in front, the raw reader would hand back the input bytes unchanged:
  // refuse data that is not in this codec's format.
  if (archive_filter_code(archive_, 0) != filter_code(codec_)) {
    throw sdk::Error(CKE_DATA_LOSS, std::string("the input is not ") + codec_name(codec_) +
                                        " data (wrong compressor, or not compressed)");
  }
  at_end_ = status == ARCHIVE_EOF;
}

size_t ArchiveDecompressStream::read(std::span<uint8_t> buf) {
  if (!opened_) {
    open();
  }
  if (at_end_ || buf.empty()) {
    return 0;
  }
  const la_ssize_t n = archive_read_data(archive_, buf.data(), buf.size());
  if (n < 0) {
    fail("decompressing");
  }
  at_end_ = n == 0;
  return static_cast<size_t>(n);
}

}  // namespace cke::plugins::compress
