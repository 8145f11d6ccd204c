#include "bench/bench_support.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <random>
#include <stdexcept>

namespace cke::bench {

Measurement run_measured(const std::vector<std::string>& argv, const std::string& in_file,
                         const std::string& out_file) {
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = ::fork();
  if (pid < 0) {
    throw std::runtime_error("fork failed");
  }
  if (pid == 0) {
    const int in = ::open(in_file.c_str(), O_RDONLY | O_CLOEXEC);
    const int out = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (in < 0 || out < 0 || ::dup2(in, 0) < 0 || ::dup2(out, 1) < 0) {
      ::_exit(126);
    }
    std::vector<char*> args;
    for (const auto& a : argv) {
      args.push_back(const_cast<char*>(a.c_str()));
    }
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  rusage usage{};
  ::wait4(pid, &status, 0, &usage);
  Measurement m;
  m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  m.peak_rss_kib = usage.ru_maxrss;
  m.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return m;
}

void write_kubernetes_like_json(const std::string& path, unsigned long long size) {
  std::ofstream out(path, std::ios::binary);
  std::mt19937_64 rng(42);
  const char* kinds[] = {"Pod", "ConfigMap", "Secret", "Service", "Deployment", "Endpoints"};
  const char* namespaces[] = {"default", "kube-system", "monitoring", "ingress", "app-prod"};
  unsigned long long written = 0;
  std::string line;
  while (written < size) {
    const auto r = rng();
    line =
        R"({"apiVersion":"v1","kind":")" + std::string(kinds[r % 6]) +
        R"(","metadata":{"name":"app-)" + std::to_string(r % 1000003) + R"(","namespace":")" +
        namespaces[(r >> 8) % 5] + R"(","uid":")" + std::to_string(rng()) + "-" +
        std::to_string(rng() % 100000) + R"(","resourceVersion":")" + std::to_string(written / 97) +
        R"(","labels":{"app":"web-)" + std::to_string(r % 97) +
        R"(","tier":"frontend"}},"spec":{"containers":[{"name":"main","image":"registry.example/app:v)" +
        std::to_string((r >> 16) % 50) +
        R"(","resources":{"limits":{"cpu":"500m","memory":"512Mi"}}}]},"status":{"phase":"Running","podIP":"10.)" +
        std::to_string((r >> 24) % 256) + "." + std::to_string((r >> 32) % 256) + "." +
        std::to_string((r >> 40) % 256) + R"("}})" + "\n";
    out << line;
    written += line.size();
  }
}

}  // namespace cke::bench
