# Thin wrapper over CMake; see README.md.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)

.PHONY: deps configure build app run test bench demo package format clean

# Only what building and running need; test, bench and format add their own.
deps:
	@bash scripts/install-deps.sh build

configure: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release >/dev/null

# Everything: the app, the GitHub stand-in, the tests, the benchmark.
build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# The app alone: no test, no benchmark, no test-only npm modules.
app: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target ghmonitor

run: app
	$(BUILD_DIR)/bin/ghmonitor

# The *_pg tests run the store, query, API, dashboard, watch and crash suites again on
# PostgreSQL, and the *_ch tests the store, query, API, crash and archive suites on a
# two-shard ClickHouse: throwaway clusters that live as long as the ctest run.
test: build
	@bash scripts/install-deps.sh test
	cd $(BUILD_DIR) && QT_QPA_PLATFORM=offscreen \
		$(CURDIR)/scripts/with-postgres.sh $(CURDIR)/scripts/with-clickhouse.sh \
		ctest --output-on-failure -j $(JOBS)

bench: build
	@bash scripts/install-deps.sh bench
	bash scripts/bench.sh

demo: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target ghmonitor fakegithub-server
	bash scripts/demo.sh

# build/ghmonitor_<version>_amd64.deb
package: app
	@bash scripts/install-deps.sh package
	cd $(BUILD_DIR) && cpack -G DEB

format:
	@bash scripts/install-deps.sh format
	@git ls-files '*.cpp' '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR)
