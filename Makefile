# The two commands of the quick start, and the pieces they are made of.
#   make run    install what is missing, build, and run cke
#   make test   install what is missing, build, and run every test: the release build's tests,
#               then the sanitizer builds' and a short run of every fuzz target
#   make stop   stop what `make run` started (cke and its etcd members)
#   make bench  build and run the benchmarks (minutes; not part of `make test`)
#   make fuzz   run every fuzz target for FUZZ_SECONDS (default 300) each
#   make kube-apiserver   build the kube-apiserver e2e.kubernetes runs (once per machine)
#   make deb    build the Debian packages into build/packages (docs/packages.md)
.PHONY: deps build build-checks kube-apiserver run stop test bench fuzz deb clean

FUZZ_SECONDS ?= 300

deps:
	bash packaging/install-deps.sh

build: deps
	cmake --preset default
	cmake --build --preset default

# The AddressSanitizer/UndefinedBehaviorSanitizer build, the ThreadSanitizer tests and the fuzz
# targets (clang), each in a build directory of its own.
build-checks: deps
	cmake --preset sanitize
	cmake --build --preset sanitize
	cmake --preset tsan
	cmake --build --preset tsan
	cmake --preset fuzz
	cmake --build --preset fuzz

# The real kube-apiserver the kubernetes publisher's test runs against, built from Debian's source
# once per machine (about 5 minutes the first time; see packaging/build-kube-apiserver.sh).
kube-apiserver: deps
	bash packaging/build-kube-apiserver.sh

run: build
	bash packaging/run-local.sh

deb: build
	cd build && cpack --config CPackConfig.cmake

stop:
	bash packaging/stop-local.sh

test: build build-checks kube-apiserver
	ctest --preset default
	ctest --preset tsan
	ctest --preset fuzz
	ctest --preset sanitize

bench: build
	build/bench/compress_bench
	bench/bootstrap_bench.sh
	bench/ssh_bootstrap_bench.sh
	bench/backup_bench.sh 100
	bench/backup_bench.sh 1024
	bench/repair_bench.sh 0
	bench/repair_bench.sh 1024
	bench/failover_bench.sh

fuzz: deps
	cmake --preset fuzz
	cmake --build --preset fuzz
	for target in build-fuzz/bin/fuzz_*; do \
	  name=$${target##*/fuzz_}; mkdir -p build-fuzz/fuzz/corpus/$$name; \
	  $$target -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	    -artifact_prefix=build-fuzz/fuzz/$$name- build-fuzz/fuzz/corpus/$$name fuzz/corpus/$$name \
	    || exit 1; \
	done

clean:
	rm -rf build build-sanitize build-tsan build-fuzz
