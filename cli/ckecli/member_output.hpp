// How members print: the JSON object (docs/ckecli.md) and the table.
#pragma once

#include <nlohmann/json.hpp>

#include "proto/cke_api.pb.h"

namespace cke::cli {

nlohmann::ordered_json member_json(const v1::Member& m);
void print_member_table(const google::protobuf::RepeatedPtrField<v1::Member>& members);

}  // namespace cke::cli
