// The end-to-end tests' writer client: writes a counter continuously (key PREFIX + 8-digit number,
// the number as value) through any of the given endpoints, moving to the next endpoint when one
// fails, and appends each acknowledged number to ACKED_FILE as soon as etcd acknowledged it.
// On SIGTERM or SIGINT it prints one line: "acknowledged N writes, failed F, longest outage M ms"
// and exits 0. The outage is the longest time between two acknowledged writes.
//
// Usage: cke-test-writer ENDPOINTS(host:port,...) CA CERT KEY PREFIX ACKED_FILE
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "core/etcd/client.hpp"

namespace {

volatile std::sig_atomic_t stop_requested = 0;

void on_signal(int /*signal*/) { stop_requested = 1; }

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    throw std::runtime_error("cannot read " + path);
  }
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, separator);) {
    if (!item.empty()) {
      out.push_back(item);
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 7) {
    std::cerr << "usage: cke-test-writer ENDPOINTS CA CERT KEY PREFIX ACKED_FILE\n";
    return 2;
  }
  std::signal(SIGTERM, on_signal);
  std::signal(SIGINT, on_signal);
  try {
    const auto endpoints = split(argv[1], ',');
    const cke::etcd::TlsIdentity identity{read_file(argv[2]), read_file(argv[3]),
                                          read_file(argv[4])};
    const std::string prefix = argv[5];
    std::FILE* acked = std::fopen(argv[6], "a");
    if (acked == nullptr) {
      throw std::runtime_error(std::string("cannot open ") + argv[6]);
    }
    std::vector<std::unique_ptr<cke::etcd::Client>> clients;
    for (const auto& endpoint : endpoints) {
      clients.push_back(
          std::make_unique<cke::etcd::Client>(endpoint, identity, std::chrono::milliseconds(1000)));
    }
    size_t current = 0;
    uint64_t next = 1;
    uint64_t failed = 0;
    auto last_ack = std::chrono::steady_clock::now();
    std::chrono::milliseconds longest{0};
    std::string longest_at;
    while (stop_requested == 0) {
      char key[64];
      std::snprintf(key, sizeof key, "%s%08llu", prefix.c_str(),
                    static_cast<unsigned long long>(next));
      try {
        clients[current]->put(key, std::to_string(next));
      } catch (const std::exception& e) {
        ++failed;
        current = (current + 1) % clients.size();
        continue;
      }
      const auto now = std::chrono::steady_clock::now();
      const auto gap = std::chrono::duration_cast<std::chrono::milliseconds>(now - last_ack);
      if (gap > longest) {
        longest = gap;
        longest_at = "before write " + std::to_string(next);
      }
      last_ack = now;
      std::fprintf(acked, "%s\n", key);
      std::fflush(acked);
      ++next;
    }
    std::fclose(acked);
    std::cout << "acknowledged " << next - 1 << " writes, failed " << failed << ", longest outage "
              << longest.count() << " ms (" << longest_at << ")" << std::endl;
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "cke-test-writer: " << e.what() << "\n";
    return 1;
  }
}
