#include "etcd_wire.hpp"

#include <cstdint>
#include <stdexcept>

namespace cke::plugins::coredns {
namespace {

// Wire types (protobuf encoding): varint, 64-bit, length-delimited, 32-bit.
constexpr uint32_t kVarint = 0;
constexpr uint32_t kFixed64 = 1;
constexpr uint32_t kLengthDelimited = 2;
constexpr uint32_t kFixed32 = 5;

// RangeRequest, TxnRequest, RequestOp, PutRequest, DeleteRangeRequest, RangeResponse, KeyValue.
constexpr uint32_t kRangeKey = 1;
constexpr uint32_t kRangeEnd = 2;
constexpr uint32_t kTxnSuccess = 2;
constexpr uint32_t kOpPut = 2;
constexpr uint32_t kOpDeleteRange = 3;
constexpr uint32_t kPutKey = 1;
constexpr uint32_t kPutValue = 2;
constexpr uint32_t kDeleteKey = 1;
constexpr uint32_t kResponseKvs = 2;
constexpr uint32_t kKvKey = 1;
constexpr uint32_t kKvValue = 5;

void put_varint(std::string& out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

void put_field(std::string& out, uint32_t field, std::string_view bytes) {
  put_varint(out, (uint64_t{field} << 3) | kLengthDelimited);
  put_varint(out, bytes.size());
  out.append(bytes);
}

struct Field {
  uint32_t number = 0;
  uint32_t type = 0;
  std::string_view bytes;  // length-delimited fields only
};

// Reads the fields of one message in order; skips what it need not understand.
class Reader {
 public:
  explicit Reader(std::string_view message) : rest_(message) {}

  bool next(Field& field) {
    if (rest_.empty()) {
      return false;
    }
    const uint64_t tag = varint();
    field.number = static_cast<uint32_t>(tag >> 3);
    field.type = static_cast<uint32_t>(tag & 7);
    field.bytes = {};
    if (field.number == 0) {
      throw std::invalid_argument("field number 0");
    }
    switch (field.type) {
      case kVarint: varint(); break;
      case kFixed64: take(8); break;
      case kFixed32: take(4); break;
      case kLengthDelimited: {
        const uint64_t size = varint();
        if (size > rest_.size()) {
          throw std::invalid_argument("a field longer than the message");
        }
        field.bytes = take(static_cast<size_t>(size));
        break;
      }
      default: throw std::invalid_argument("unknown wire type " + std::to_string(field.type));
    }
    return true;
  }

 private:
  uint64_t varint() {
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (rest_.empty()) {
        throw std::invalid_argument("a varint cut short");
      }
      const auto byte = static_cast<uint8_t>(rest_.front());
      rest_.remove_prefix(1);
      value |= uint64_t{byte & 0x7fU} << shift;
      if ((byte & 0x80) == 0) {
        return value;
      }
    }
    throw std::invalid_argument("a varint longer than 10 bytes");
  }

  std::string_view take(size_t size) {
    if (size > rest_.size()) {
      throw std::invalid_argument("a field cut short");
    }
    const std::string_view taken = rest_.substr(0, size);
    rest_.remove_prefix(size);
    return taken;
  }

  std::string_view rest_;
};

}  // namespace

std::string encode_range_prefix(std::string_view prefix) {
  if (prefix.empty()) {
    throw std::invalid_argument("an empty prefix");
  }
  // The range end is the prefix with its last byte incremented (etcdctl's --prefix); a prefix
  // of 0xff bytes only would have none, and cke's prefixes are text.
  std::string end(prefix);
  while (!end.empty() && static_cast<uint8_t>(end.back()) == 0xff) {
    end.pop_back();
  }
  if (end.empty()) {
    throw std::invalid_argument("a prefix of 0xff bytes only");
  }
  end.back() = static_cast<char>(static_cast<uint8_t>(end.back()) + 1);
  std::string out;
  put_field(out, kRangeKey, prefix);
  put_field(out, kRangeEnd, end);
  return out;
}

std::string encode_txn(const std::vector<std::string>& deletes,
                       const std::map<std::string, std::string>& puts) {
  std::string out;
  for (const auto& key : deletes) {
    std::string request;
    put_field(request, kDeleteKey, key);
    std::string op;
    put_field(op, kOpDeleteRange, request);
    put_field(out, kTxnSuccess, op);
  }
  for (const auto& [key, value] : puts) {
    std::string request;
    put_field(request, kPutKey, key);
    put_field(request, kPutValue, value);
    std::string op;
    put_field(op, kOpPut, request);
    put_field(out, kTxnSuccess, op);
  }
  return out;
}

std::map<std::string, std::string> decode_range_response(std::string_view message) {
  std::map<std::string, std::string> kvs;
  Reader response(message);
  for (Field field; response.next(field);) {
    if (field.number != kResponseKvs || field.type != kLengthDelimited) {
      continue;
    }
    std::string key;
    std::string value;
    Reader kv(field.bytes);
    for (Field f; kv.next(f);) {
      if (f.type == kLengthDelimited && f.number == kKvKey) {
        key = f.bytes;
      } else if (f.type == kLengthDelimited && f.number == kKvValue) {
        value = f.bytes;
      }
    }
    kvs[key] = value;
  }
  return kvs;
}

}  // namespace cke::plugins::coredns
