#include "core/stream/pipe.hpp"

#include <cstring>

#include "core/common/error.hpp"

namespace cke::stream {

void Pipe::write(std::span<const uint8_t> data) {
  if (data.empty()) {
    return;
  }
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return chunks_.size() < capacity_ || reader_error_; });
  if (reader_error_) {
    std::rethrow_exception(reader_error_);
  }
  chunks_.emplace_back(data.begin(), data.end());
  changed_.notify_all();
}

void Pipe::close() {
  const std::lock_guard lock(mutex_);
  closed_ = true;
  changed_.notify_all();
}

void Pipe::fail(std::exception_ptr error) {
  const std::lock_guard lock(mutex_);
  writer_error_ = std::move(error);
  closed_ = true;
  changed_.notify_all();
}

bool Pipe::abandon(std::exception_ptr error) {
  const std::lock_guard lock(mutex_);
  reader_error_ = std::move(error);
  const bool left_unread = !chunks_.empty();
  chunks_.clear();
  changed_.notify_all();
  return left_unread;
}

void throw_data_after_end() {
  throw Error("the data goes on after the end its reader found (trailing bytes)", CKE_DATA_LOSS);
}

size_t Pipe::read(std::span<uint8_t> buf) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return !chunks_.empty() || closed_; });
  if (writer_error_) {
    std::rethrow_exception(writer_error_);
  }
  if (chunks_.empty()) {
    return 0;  // closed and drained
  }
  auto& front = chunks_.front();
  const size_t n = std::min(buf.size(), front.size() - offset_);
  std::memcpy(buf.data(), front.data() + offset_, n);
  offset_ += n;
  if (offset_ == front.size()) {
    chunks_.pop_front();
    offset_ = 0;
    changed_.notify_all();
  }
  return n;
}

}  // namespace cke::stream
