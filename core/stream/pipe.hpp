// A bounded in-memory pipe between two threads: one side writes (push), the other reads (pull),
// as when a compressor pushes into a storage plugin that pulls. At most `capacity_chunks` chunks
// are buffered, so memory stays constant. Either side can fail it; the other then sees the error.
#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "core/stream/byte_stream.hpp"

namespace cke::stream {

class Pipe {
 public:
  explicit Pipe(size_t capacity_chunks = 4) : capacity_(capacity_chunks) {}

  // Writer side.
  void write(std::span<const uint8_t> data);
  void close();                         // end of data
  void fail(std::exception_ptr error);  // the reader's next read throws it

  // Reader side: like ByteReader::read.
  size_t read(std::span<uint8_t> buf);
  // The writer's next write throws `error`. Returns whether written bytes were left unread.
  bool abandon(std::exception_ptr error);

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::vector<uint8_t>> chunks_;
  size_t offset_ = 0;  // consumed bytes of chunks_.front()
  size_t capacity_;
  bool closed_ = false;
  std::exception_ptr writer_error_;
  std::exception_ptr reader_error_;
};

class PipeWriter final : public ByteWriter {
 public:
  explicit PipeWriter(Pipe& pipe) : pipe_(pipe) {}
  void write(std::span<const uint8_t> data) override { pipe_.write(data); }
  void finish() override { pipe_.close(); }

 private:
  Pipe& pipe_;
};

class PipeReader final : public ByteReader {
 public:
  explicit PipeReader(Pipe& pipe) : pipe_(pipe) {}
  size_t read(std::span<uint8_t> buf) override { return pipe_.read(buf); }

 private:
  Pipe& pipe_;
};

// What the writer of a pipe sees when the reader has stopped before the end of the data.
[[noreturn]] void throw_data_after_end();

// Runs `produce(writer)` on its own thread, feeding `consume(reader)` on this one through a
// bounded pipe; a failure on either side reaches the other, and both are joined. A consumer that
// returns before the end of the data (a decompressor that found the end of its frame while bytes
// follow) releases the producer and fails the whole: the data went on past its end.
template <class Produce, class Consume>
void through_pipe(Produce&& produce, Consume&& consume) {
  Pipe pipe;
  std::exception_ptr produced_error;
  std::thread producer([&] {
    try {
      PipeWriter writer(pipe);
      produce(writer);
      pipe.close();
    } catch (...) {
      produced_error = std::current_exception();
      pipe.fail(produced_error);
    }
  });
  try {
    PipeReader reader(pipe);
    consume(reader);
  } catch (...) {
    pipe.abandon(std::current_exception());
    producer.join();
    // The producer's failure is usually the cause (the consumer saw only a broken pipe).
    std::rethrow_exception(produced_error ? produced_error : std::current_exception());
  }
  bool left_unread = false;
  try {
    throw_data_after_end();
  } catch (...) {
    left_unread = pipe.abandon(std::current_exception());
  }
  producer.join();
  if (produced_error) {
    std::rethrow_exception(produced_error);
  }
  if (left_unread) {
    throw_data_after_end();
  }
}

}  // namespace cke::stream
