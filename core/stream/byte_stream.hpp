// The core's stream interfaces. Large data (snapshots, backups) always flows through these in
// bounded chunks; nothing holds a whole payload in memory.
#pragma once

#include <cstdint>
#include <span>

namespace cke::stream {

// A source of bytes. read() fills 1..buf.size() bytes and returns the count, returns 0 at the
// end, and throws cke::Error on failure.
class ByteReader {
 public:
  ByteReader() = default;
  ByteReader(const ByteReader&) = delete;
  ByteReader& operator=(const ByteReader&) = delete;
  virtual ~ByteReader() = default;
  virtual size_t read(std::span<uint8_t> buf) = 0;
};

// A sink of bytes. write() consumes everything or throws; finish() marks the end of the data
// (for a compressor: ends the frame). Destroying a writer without finish() abandons the output.
class ByteWriter {
 public:
  ByteWriter() = default;
  ByteWriter(const ByteWriter&) = delete;
  ByteWriter& operator=(const ByteWriter&) = delete;
  virtual ~ByteWriter() = default;
  virtual void write(std::span<const uint8_t> data) = 0;
  virtual void finish() {}
};

// The chunk size streams use between stages: large enough to amortise calls, small enough that
// every pipeline stays in constant memory.
inline constexpr size_t kChunkSize = 256 * 1024;

// Copies everything from `source` to `sink` (without finishing it); returns the byte count.
uint64_t copy(ByteReader& source, ByteWriter& sink);

}  // namespace cke::stream
