// Adapters that hand the core's ByteReader/ByteWriter to a plugin as cke_reader/cke_writer.
// The returned structs borrow the stream: they must not outlive it.
#pragma once

#include "cke/abi.h"
#include "core/stream/byte_stream.hpp"

namespace cke::plugin {

cke_reader as_c_reader(stream::ByteReader& reader) noexcept;
cke_writer as_c_writer(stream::ByteWriter& writer) noexcept;

}  // namespace cke::plugin
