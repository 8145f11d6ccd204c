// The coredns publisher's etcd form decodes etcd's RangeResponse by hand (etcd_wire.hpp), and the
// etcd it writes to may be anyone's. Any bytes give keys and values or std::invalid_argument,
// never a crash; and a response built from the decoded pairs decodes to the same pairs.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "plugins/publish-coredns/etcd_wire.hpp"

namespace {

void put_varint(std::string& out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

void put_field(std::string& out, uint32_t field, const std::string& bytes) {
  put_varint(out, (uint64_t{field} << 3) | 2);
  put_varint(out, bytes.size());
  out += bytes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cke::plugins::coredns;
  const std::string message(reinterpret_cast<const char*>(data), size);
  try {
    const auto kvs = decode_range_response(message);
    std::string rebuilt;
    for (const auto& [key, value] : kvs) {
      std::string kv;
      put_field(kv, 1, key);
      put_field(kv, 5, value);
      put_field(rebuilt, 2, kv);
    }
    if (decode_range_response(rebuilt) != kvs) {
      std::abort();
    }
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
