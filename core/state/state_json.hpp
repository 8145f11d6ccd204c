// The state as JSON text: the state file's format, and the state etcd's value.
#pragma once

#include <string>

#include "core/state/state.hpp"

namespace cke::state {

std::string state_to_json(const State& state);
// `where` names the file or key in errors; `recovery` says what to do about corrupt text.
State state_from_json(const std::string& text, const std::string& where,
                      const std::string& recovery);

}  // namespace cke::state
