// Compressing Kubernetes-like JSON through the gzip and zstd plugins against `gzip -6` and
// `zstd -3` on the same data in the same run: time ratio, output size and peak RSS.
//
//   compress_bench [--size-mib N] [--data FILE]      (default 1024 MiB of generated data)
//   compress_bench --child PLUGIN CONFIG             (internal: compress stdin to stdout)
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "bench/bench_support.hpp"
#include "core/plugin/compressor.hpp"
#include "core/plugin/registry.hpp"
#include "core/stream/fd_stream.hpp"

namespace fs = std::filesystem;

namespace {

int run_child(const std::string& plugin, const std::string& config) {
  const cke::plugin::Registry registry(cke::plugin::plugin_search_path({}));
  cke::plugin::Compressor compressor(registry.require(cke::plugin::Kind::compressor, plugin),
                                     config);
  cke::stream::FdReader in(0, "stdin");
  cke::stream::FdWriter out(1, "stdout");
  auto writer = compressor.compress_into(out);
  cke::stream::copy(in, *writer);
  writer->finish();
  return 0;
}

struct Case {
  const char* label;
  std::vector<std::string> reference;
  std::string plugin;
  std::string config;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "--child") {
    return run_child(argv[2], argv[3]);
  }
  unsigned long long size_mib = 1024;
  std::string data;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--size-mib") {
      size_mib = std::stoull(argv[i + 1]);
    } else if (flag == "--data") {
      data = argv[i + 1];
    }
  }
  const fs::path work =
      fs::temp_directory_path() / ("cke-compress-bench-" + std::to_string(::getpid()));
  fs::create_directories(work);
  if (data.empty()) {
    data = (work / "objects.json").string();
    std::printf("generating %llu MiB of Kubernetes-like JSON...\n", size_mib);
    cke::bench::write_kubernetes_like_json(data, size_mib << 20);
  }
  const auto raw_size = fs::file_size(data);
  const std::string self = fs::read_symlink("/proc/self/exe").string();
  const std::vector<Case> cases = {
      {"gzip -6", {"gzip", "-6", "-c"}, "gzip", R"({"level": 6})"},
      {"zstd -3", {"zstd", "-q", "-3", "-c"}, "zstd", R"({"level": 3})"},
  };
  std::printf("input: %s, %.1f MiB\n\n", data.c_str(), static_cast<double>(raw_size) / (1 << 20));
  std::printf("%-8s %10s %10s %7s %9s %9s %8s %8s %11s\n", "codec", "ref s", "ours s", "ratio",
              "ref MiB", "ours MiB", "ref RSS", "our RSS", "RSS<64MiB");
  bool ok = true;
  for (const auto& c : cases) {
    const std::string ref_out = (work / "reference.out").string();
    const std::string our_out = (work / "ours.out").string();
    const auto ref = cke::bench::run_measured(c.reference, data, ref_out);
    const auto ours =
        cke::bench::run_measured({self, "--child", c.plugin, c.config}, data, our_out);
    const bool rss_ok = ours.peak_rss_kib < 64 * 1024;
    ok = ok && ref.exit_code == 0 && ours.exit_code == 0 && rss_ok;
    std::printf("%-8s %10.2f %10.2f %7.2f %9.1f %9.1f %6ldMi %6ldMi %11s\n", c.label, ref.seconds,
                ours.seconds, ours.seconds / ref.seconds,
                static_cast<double>(fs::file_size(ref_out)) / (1 << 20),
                static_cast<double>(fs::file_size(our_out)) / (1 << 20), ref.peak_rss_kib / 1024,
                ours.peak_rss_kib / 1024, rss_ok ? "yes" : "NO");
  }
  fs::remove_all(work);
  return ok ? 0 : 1;
}
