#include "core/state/file_state_store.hpp"

#include <fstream>
#include <sstream>

#include "core/common/atomic_file.hpp"
#include "core/state/state_json.hpp"

namespace cke::state {

State FileStateStore::load() {
  std::ifstream in(file_);
  if (!in) {
    return {};  // a new data directory
  }
  std::stringstream text;
  text << in.rdbuf();
  return state_from_json(text.str(), file_.string(),
                         "restore it from a backup of the data directory");
}

void FileStateStore::save(const State& state) {
  write_file_atomically(file_, state_to_json(state), 0600);
}

}  // namespace cke::state
