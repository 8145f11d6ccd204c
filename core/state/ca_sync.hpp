// With a state etcd, the local-ca backend's directory is a copy of PREFIX/pki/ in the state etcd,
// so that every cke signs with the same CAs: each cke writes what it finds there into its own
// directory before its backend starts, and the first cke uploads the CAs it made.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>

#include "core/state/state_etcd.hpp"

namespace cke::state {

// `make_cas` creates the CA files `dir` lacks (a backend asked for each CA); the ones the state
// etcd lacked are stored there. Of two cke processes doing this at once, one upload wins and
// both end with its files.
void sync_ca_directory(StateEtcd& etcd, const std::filesystem::path& dir,
                       const std::function<void()>& make_cas);

// The CA files in `dir` by name (NAME-ca.crt, NAME-ca.key) and their text.
std::map<std::string, std::string> read_ca_directory(const std::filesystem::path& dir);

}  // namespace cke::state
