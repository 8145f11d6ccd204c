// Helpers shared by the benchmarks: run a command as a child and measure its wall time and
// peak RSS (wait4's rusage: the child's own high-water mark), and make Kubernetes-like data.
#pragma once

#include <string>
#include <vector>

namespace cke::bench {

struct Measurement {
  double seconds = 0;
  long peak_rss_kib = 0;
  int exit_code = -1;
};

// Runs argv (argv[0] searched in PATH) with stdin from `in_file` and stdout to `out_file`.
Measurement run_measured(const std::vector<std::string>& argv, const std::string& in_file,
                         const std::string& out_file);

// Writes `size` bytes of JSON objects shaped like Kubernetes resources to `path`.
void write_kubernetes_like_json(const std::string& path, unsigned long long size);

}  // namespace cke::bench
