// StateStore in one JSON file (DIR/state.json, 0600), replaced atomically on every save.
#pragma once

#include <filesystem>

#include "core/state/state.hpp"

namespace cke::state {

class FileStateStore final : public StateStore {
 public:
  explicit FileStateStore(std::filesystem::path file) : file_(std::move(file)) {}
  State load() override;
  void save(const State& state) override;

 private:
  std::filesystem::path file_;
};

}  // namespace cke::state
