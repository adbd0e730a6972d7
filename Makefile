# runwatch: `make run` runs the main job, `make test` runs every test.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
JOBS ?= 2
# ON: the modules compile in batches (CMakeLists.txt), for one-off clean builds like CI's.
UNITY ?= OFF
CMAKE_FLAGS := -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRUNWATCH_TESTS=ON -DRUNWATCH_BENCH=ON -DRUNWATCH_UNITY_BUILD=$(UNITY)
export CMAKE_BUILD_PARALLEL_LEVEL := $(JOBS)

FUZZ_SECONDS ?= 60

.PHONY: run test deps install cpp-test py-test sanitize fuzz bench clean

# The main job: `runwatch server` on examples/ (API :8080, management :8081) with a demo
# webhook sink that prints each alert; Ctrl-C stops it.
run: install
	$(VENV)/bin/runwatch validate examples/flows
	VENV=$(VENV) scripts/run-demo.sh

test: install cpp-test py-test

deps:
	@scripts/install-deps.sh

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

# Non-isolated, and in the C++ tests' own build directory with their settings, so that the
# engine's libraries are compiled once for the extension and the tests, and reused between
# runs (a plain `pip install .` builds a Release wheel in build/wheel-* instead). The
# example plugin package goes beside it (no deps: runwatch is the one just built).
install: deps $(PY)
	$(PY) -m pip install -q "scikit-build-core>=0.10" "pybind11>=2.12" "pytest>=7" "setuptools>=61" wheel
	CMAKE_GENERATOR="Unix Makefiles" $(PY) -m pip install -q --no-build-isolation -C build-dir=build/cpp \
		-C cmake.build-type=RelWithDebInfo -C cmake.define.RUNWATCH_TESTS=ON -C cmake.define.RUNWATCH_BENCH=ON \
		-C cmake.define.RUNWATCH_UNITY_BUILD=$(UNITY) ".[test]"
	$(PY) -m pip install -q --no-build-isolation --no-deps ./examples/plugins/github-issue

build/cpp/Makefile: deps
	cmake -S . -B build/cpp $(CMAKE_FLAGS)

cpp-test: build/cpp/Makefile
	cmake --build build/cpp
	build/cpp/runwatch_tests
	scripts/replay-fuzz.sh build/cpp

py-test: install
	cd tests/python && ../../$(VENV)/bin/python -m pytest -q -p no:cacheprovider . ../../examples/plugins/github-issue/tests

sanitize: deps
	cmake -S . -B build/sanitize -DCMAKE_BUILD_TYPE=Debug -DRUNWATCH_TESTS=ON -DRUNWATCH_SANITIZE=ON \
		-DRUNWATCH_UNITY_BUILD=$(UNITY)
	cmake --build build/sanitize
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		build/sanitize/runwatch_tests
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		scripts/replay-fuzz.sh build/sanitize

# Timed fuzzing (not part of `make test`): every target for FUZZ_SECONDS under libFuzzer,
# ASan and UBSan, from its seed corpus; new inputs go to build/fuzz/corpus-*, crashes to
# build/fuzz/crash-* (keep each one in fuzz/regressions/ once fixed). Every target runs,
# whatever an earlier one found.
fuzz:
	@scripts/install-deps.sh fuzz
	cmake -S . -B build/fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DRUNWATCH_FUZZ=ON \
		-DRUNWATCH_SANITIZE=ON -DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link
	cmake --build build/fuzz
	failed=; for f in build/fuzz/fuzz_*; do t=$${f##*/fuzz_}; mkdir -p build/fuzz/corpus-$$t; \
		extra=; [ $$t = flow_loader ] && extra="../shared/corpus/kestra-flows ../shared/spec/examples examples/flows"; \
		$$f -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
			-artifact_prefix=build/fuzz/crash-$$t- build/fuzz/corpus-$$t fuzz/corpus/$$t fuzz/regressions/$$t $$extra \
			|| failed="$$failed $$t"; done; \
	[ -z "$$failed" ] || { echo "fuzz targets that failed:$$failed (their inputs: build/fuzz/crash-*)"; exit 1; }

# Figures, not tests: see bench/README.md. Release build of its own; every bench_*.cc runs;
# memory_engine runs in its own process twice (all at once, then at most 1,000 in flight).
bench: install
	cmake -S . -B build/bench -DCMAKE_BUILD_TYPE=Release -DRUNWATCH_BENCH=ON
	cmake --build build/bench
	for b in build/bench/bench_*; do [ -x "$$b" ] && "$$b" --benchmark_min_time=1 || exit 1; done
	build/bench/memory_engine 100000 2
	build/bench/memory_engine 100000 2 1000
	$(PY) bench/bench_engine.py
	$(PY) bench/bench_server.py
	$(PY) bench/bench_flow_series.py
	$(PY) bench/bench_metrics.py

clean:
	rm -rf build $(VENV)
