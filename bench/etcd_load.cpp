// Loads Kubernetes-like JSON objects into etcd fast: batched transactions (up to 100 puts or
// ~1 MiB each) over one kept-alive connection per thread, through cke's own etcd client.
//   etcd_load --endpoint HOST:PORT --cacert F --cert F --key F --mib N [--threads 2]
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/etcd/client.hpp"

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// One object of about 1-3 KiB shaped like a Kubernetes Pod.
std::string object(std::mt19937_64& rng, uint64_t id) {
  const auto r = rng();
  std::string labels;
  for (int i = 0; i < static_cast<int>(r % 8) + 2; ++i) {
    labels +=
        R"("label-)" + std::to_string(i) + R"(":"value-)" + std::to_string(rng() % 1000) + R"(",)";
  }
  std::string containers;
  for (int i = 0; i < static_cast<int>((r >> 8) % 3) + 1; ++i) {
    containers +=
        R"({"name":"c)" + std::to_string(i) + R"(","image":"registry.example/team/app-)" +
        std::to_string(rng() % 50) +
        R"(:v1.2.3","env":[{"name":"MODE","value":"production"},{"name":"TOKEN","value":")" +
        std::to_string(rng()) + std::to_string(rng()) +
        R"("}],"resources":{"limits":{"cpu":"500m","memory":"512Mi"},"requests":{"cpu":"100m","memory":"128Mi"}}},)";
  }
  containers.pop_back();
  return R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"app-)" + std::to_string(id) +
         R"(","namespace":"ns-)" + std::to_string(id % 37) + R"(","uid":")" +
         std::to_string(rng()) + "-" + std::to_string(rng()) + R"(","labels":{)" + labels +
         R"("app":"web"}},"spec":{"containers":[)" + containers +
         R"(]},"status":{"phase":"Running","podIP":"10.)" + std::to_string((r >> 16) % 256) + "." +
         std::to_string((r >> 24) % 256) + "." + std::to_string((r >> 32) % 256) + R"("}})";
}

}  // namespace

int main(int argc, char** argv) {
  std::string endpoint;
  cke::etcd::TlsIdentity identity;
  double mib = 64;
  int threads = 2;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--endpoint")
      endpoint = value;
    else if (flag == "--cacert")
      identity.ca_pem = read_file(value);
    else if (flag == "--cert")
      identity.cert_pem = read_file(value);
    else if (flag == "--key")
      identity.key_pem = read_file(value);
    else if (flag == "--mib")
      mib = std::stod(value);
    else if (flag == "--threads")
      threads = std::stoi(value);
  }
  const uint64_t target = static_cast<uint64_t>(mib * 1048576.0);
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      cke::etcd::Client client(endpoint, identity, std::chrono::seconds(30));
      std::mt19937_64 rng(static_cast<uint64_t>(t) * 7919 + 1);
      uint64_t written = 0;
      uint64_t id = static_cast<uint64_t>(t) << 40;
      while (written < target / static_cast<uint64_t>(threads)) {
        std::vector<std::pair<std::string, std::string>> batch;
        size_t bytes = 0;
        while (batch.size() < 100 && bytes < 1000 * 1024) {
          std::string value = object(rng, ++id);
          std::string key =
              "/registry/pods/ns-" + std::to_string(id % 37) + "/app-" + std::to_string(id);
          bytes += key.size() + value.size();
          batch.emplace_back(std::move(key), std::move(value));
        }
        client.put_batch(batch);
        written += bytes;
      }
    });
  }
  for (auto& w : workers) {
    w.join();
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("loaded %.0f MiB in %.1f s (%.1f MiB/s)\n", mib, seconds, mib / seconds);
  return 0;
}
