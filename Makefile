# Thin front to CMake. `make run` and `make test` work on a fresh Debian 12
# machine as root: both install what is missing first (scripts/deps.sh).
BUILD      ?= build
BUILD_ASAN ?= build-asan
JOBS       ?= $(shell nproc)
DATA       ?= var
RUN_ARGS   ?= --demo

.PHONY: all build deps run test test-asan bench clean format

all: build

deps:
	@scripts/deps.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

run: deps build
	$(BUILD)/switchboard --data $(DATA) $(RUN_ARGS)

test: deps build
	scripts/run-tests.sh $(BUILD)

$(BUILD_ASAN)/CMakeCache.txt:
	cmake -S . -B $(BUILD_ASAN) -DCMAKE_BUILD_TYPE=Debug -DSB_ASAN=ON

test-asan: deps $(BUILD_ASAN)/CMakeCache.txt
	cmake --build $(BUILD_ASAN) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	scripts/run-tests.sh $(BUILD_ASAN)

bench: deps build
	scripts/run-bench.sh $(BUILD)

format:
	clang-format -i $$(git ls-files 'src/*.c' 'src/*.h' 'test/*.c' 'test/*.h' 'bench/*.c')

clean:
	rm -rf $(BUILD) $(BUILD_ASAN)
