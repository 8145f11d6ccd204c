// ByteReader/ByteWriter over a file descriptor the caller owns (a file, a pipe, stdin/stdout).
#pragma once

#include <string>

#include "core/stream/byte_stream.hpp"

namespace cke::stream {

class FdReader final : public ByteReader {
 public:
  FdReader(int fd, std::string what) : fd_(fd), what_(std::move(what)) {}
  size_t read(std::span<uint8_t> buf) override;

 private:
  int fd_;
  std::string what_;  // names the source in error messages
};

class FdWriter final : public ByteWriter {
 public:
  FdWriter(int fd, std::string what) : fd_(fd), what_(std::move(what)) {}
  void write(std::span<const uint8_t> data) override;

 private:
  int fd_;
  std::string what_;
};

}  // namespace cke::stream
