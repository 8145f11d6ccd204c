# The two commands of the quick start, and the pieces they are made of.
#   make run    install what is missing, build, and run cke
#   make test   install what is missing, build, and run every test
#   make stop   stop what `make run` started (cke and its etcd members)
#   make bench  build and run the benchmarks (minutes; not part of `make test`)
.PHONY: deps build run stop test bench clean

deps:
	bash packaging/install-deps.sh

build: deps
	cmake --preset default
	cmake --build --preset default

run: build
	bash packaging/run-local.sh

stop:
	bash packaging/stop-local.sh

test: build
	ctest --preset default

bench: build
	build/bench/compress_bench
	bench/bootstrap_bench.sh
	bench/backup_bench.sh 100
	bench/backup_bench.sh 1024

clean:
	rm -rf build
