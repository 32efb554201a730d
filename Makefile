# The two commands of the quick start: `make demo` and `make test`. Everything they need is
# created here (a Python venv, a pinned cbindgen), so they work on a fresh clone.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
CARGO ?= cargo
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CBINDGEN_VERSION := 0.29.4
CBINDGEN := .tools/bin/cbindgen
CC ?= gcc
CFLAGS_TEST := -std=c99 -Wall -Wextra -Werror -pedantic -Iinclude -Itests/c
RELEASE_LIB := target/release/libalpr.a
LDLIBS := -lpthread -ldl -lm
C_TESTS := $(wildcard tests/c/test_*.c)
VECTORS := tests/vectors

# `make install PREFIX=… DESTDIR=…`: the C library (shared, with its SONAME, and static), the header,
# a pkg-config file and a CMake package. The version is the workspace's.
PREFIX ?= /usr/local
DESTDIR ?=
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
CMAKEDIR ?= $(LIBDIR)/cmake/alpr
VERSION := $(shell sed -n 's/^version = "\(.*\)"$$/\1/p' Cargo.toml | head -n 1)
VERSION_MAJOR := $(firstword $(subst ., ,$(VERSION)))
RELEASE_SO := target/release/libalpr.so
# cmake for the packaging test: the system's, else one from PyPI in the venv.
CMAKE := $(shell command -v cmake 2>/dev/null)
ifeq ($(CMAKE),)
CMAKE := $(VENV)/bin/cmake
endif

.PHONY: demo test lint rust-test header check-header c-test py-test conformance bench clean-tools
.PHONY: install uninstall check-symbols pkg-test tsan

## demo: build and run the main job on the embedded default profile and the sample data.
demo:
	$(CARGO) run --quiet --release -p alpr-core --example demo

## test: build everything and run every test on every surface.
test: lint check-header rust-test c-test check-symbols pkg-test py-test conformance
	@echo "make test: all green"

# Formatting, clippy, and docs in which every link resolves (private items' included: they
# document the design).
lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --no-deps --workspace --document-private-items --quiet

rust-test:
	$(CARGO) test --workspace --exclude alpr-py

$(CBINDGEN):
	$(CARGO) install cbindgen --version $(CBINDGEN_VERSION) --locked --root .tools --quiet

VOCAB_NUMBERS := alpr-ffi/src/vocab/numbers.rs

## header: regenerate the C vocabulary numbers from the core (alpr-ffi/src/vocab/numbers.rs) and
## include/alpr.h with the pinned cbindgen.
header: $(CBINDGEN)
	$(CARGO) run --quiet -p alpr-ffi --example gen_vocab > $(VOCAB_NUMBERS).tmp
	rustfmt --edition 2024 --config-path rustfmt.toml $(VOCAB_NUMBERS).tmp && mv $(VOCAB_NUMBERS).tmp $(VOCAB_NUMBERS)
	$(CBINDGEN) --config alpr-ffi/cbindgen.toml --crate alpr-ffi --output include/alpr.h alpr-ffi

check-header: $(CBINDGEN)
	@tmp=$$(mktemp --suffix=.rs); $(CARGO) run --quiet -p alpr-ffi --example gen_vocab > $$tmp; \
	rustfmt --edition 2024 --config-path rustfmt.toml $$tmp; \
	if ! diff -u $(VOCAB_NUMBERS) $$tmp; then echo "$(VOCAB_NUMBERS) is stale: run make header"; rm -f $$tmp; exit 1; fi; rm -f $$tmp
	@tmp=$$(mktemp); $(CBINDGEN) --config alpr-ffi/cbindgen.toml --crate alpr-ffi --output $$tmp alpr-ffi; \
	if ! diff -u include/alpr.h $$tmp; then echo "include/alpr.h is stale: run make header"; rm -f $$tmp; exit 1; fi; rm -f $$tmp
	@echo "include/alpr.h and $(VOCAB_NUMBERS) are up to date"

$(RELEASE_LIB): FORCE
	$(CARGO) build --release -p alpr-ffi

.PHONY: FORCE
FORCE:

## c-test: the C tests against include/alpr.h and the static library: plain, ASan+UBSan, valgrind,
## and the header compiled as C++.
c-test: $(RELEASE_LIB)
	@mkdir -p target/c
	echo '#include "alpr.h"' | $(CXX) -std=c++11 -Wall -Wextra -Werror -Iinclude -x c++ -c - -o target/c/cpp_compat.o
	for t in $(C_TESTS); do \
	  b=target/c/$$(basename $$t .c); \
	  $(CC) $(CFLAGS_TEST) -g $$t $(RELEASE_LIB) $(LDLIBS) -o $$b; \
	  $$b; \
	  $(CC) $(CFLAGS_TEST) -g -fsanitize=address,undefined -fno-omit-frame-pointer $$t $(RELEASE_LIB) $(LDLIBS) -o $$b-asan; \
	  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1 $$b-asan; \
	  if command -v valgrind >/dev/null; then valgrind -q --error-exitcode=1 --leak-check=full --suppressions=tests/c/valgrind.supp $$b; \
	  else echo "valgrind not installed: skipped under valgrind"; fi; \
	done

## install: the C library into $(DESTDIR)$(PREFIX): libalpr.so.$(VERSION) (SONAME libalpr.so.$(VERSION_MAJOR))
## with its symlinks, libalpr.a, include/alpr.h, lib/pkgconfig/alpr.pc, lib/cmake/alpr/ (alpr::alpr).
install: $(RELEASE_LIB)
	install -d '$(DESTDIR)$(LIBDIR)' '$(DESTDIR)$(INCLUDEDIR)' '$(DESTDIR)$(PKGCONFIGDIR)' '$(DESTDIR)$(CMAKEDIR)'
	install -m 0755 $(RELEASE_SO) '$(DESTDIR)$(LIBDIR)/libalpr.so.$(VERSION)'
	ln -sfn libalpr.so.$(VERSION) '$(DESTDIR)$(LIBDIR)/libalpr.so.$(VERSION_MAJOR)'
	ln -sfn libalpr.so.$(VERSION_MAJOR) '$(DESTDIR)$(LIBDIR)/libalpr.so'
	install -m 0644 $(RELEASE_LIB) '$(DESTDIR)$(LIBDIR)/libalpr.a'
	install -m 0644 include/alpr.h '$(DESTDIR)$(INCLUDEDIR)/alpr.h'
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(LIBDIR))|' \
	    -e 's|@INCLUDEDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(INCLUDEDIR))|' -e 's|@VERSION@|$(VERSION)|' \
	    alpr-ffi/pkg/alpr.pc.in > '$(DESTDIR)$(PKGCONFIGDIR)/alpr.pc'
	sed -e "s|@LIBDIR_FROM_CMAKEDIR@|$$(realpath -m --relative-to='$(CMAKEDIR)' '$(LIBDIR)')|" \
	    -e "s|@INCLUDEDIR_FROM_CMAKEDIR@|$$(realpath -m --relative-to='$(CMAKEDIR)' '$(INCLUDEDIR)')|" \
	    -e 's|@VERSION@|$(VERSION)|' -e 's|@VERSION_MAJOR@|$(VERSION_MAJOR)|' \
	    alpr-ffi/pkg/alprConfig.cmake.in > '$(DESTDIR)$(CMAKEDIR)/alprConfig.cmake'
	sed -e 's|@VERSION@|$(VERSION)|' -e 's|@VERSION_MAJOR@|$(VERSION_MAJOR)|' \
	    -e "s|@SIZEOF_VOID_P@|$$(( $$(getconf LONG_BIT) / 8 ))|" \
	    alpr-ffi/pkg/alprConfigVersion.cmake.in > '$(DESTDIR)$(CMAKEDIR)/alprConfigVersion.cmake'

## uninstall: remove what `make install` put there (same PREFIX, DESTDIR).
uninstall:
	rm -f '$(DESTDIR)$(LIBDIR)/libalpr.so.$(VERSION)' '$(DESTDIR)$(LIBDIR)/libalpr.so.$(VERSION_MAJOR)' \
	  '$(DESTDIR)$(LIBDIR)/libalpr.so' '$(DESTDIR)$(LIBDIR)/libalpr.a' '$(DESTDIR)$(INCLUDEDIR)/alpr.h' \
	  '$(DESTDIR)$(PKGCONFIGDIR)/alpr.pc' '$(DESTDIR)$(CMAKEDIR)/alprConfig.cmake' \
	  '$(DESTDIR)$(CMAKEDIR)/alprConfigVersion.cmake'
	-rmdir '$(DESTDIR)$(CMAKEDIR)' 2>/dev/null

## check-symbols: the exported functions against include/alpr.h, alpr-ffi/abi/symbols.txt and the
## CHANGELOG (alpr-ffi/abi/check-symbols.sh).
check-symbols: $(RELEASE_LIB)
	alpr-ffi/abi/check-symbols.sh $(RELEASE_SO)

$(VENV)/bin/cmake: $(VENV)/.ready
	$(PY) -m pip install --quiet 'cmake>=3.16,<5'

## pkg-test: `make install` into a temporary prefix, then examples/c/ built against it through
## pkg-config (shared, static, ASan+UBSan) and CMake (find_package(alpr)), and run.
pkg-test: $(RELEASE_LIB) $(filter $(VENV)/bin/cmake,$(CMAKE))
	MAKE='$(MAKE)' CC='$(CC)' CXX='$(CXX)' CMAKE='$(CMAKE)' VERSION='$(VERSION)' \
	  VERSION_MAJOR='$(VERSION_MAJOR)' alpr-ffi/pkg/test-install.sh

## tsan: the concurrency example under ThreadSanitizer, with the Rust side instrumented too. Needs
## the nightly toolchain with rust-src (-Zbuild-std rebuilds std with the sanitizer): about 12
## minutes on 2 busy cores, so not part of `make test`. Linked with rustc's ThreadSanitizer runtime
## (LLVM's), not GCC's libtsan: the Rust side calls __tsan_memcpy/__tsan_memset, which GCC 12's lacks.
TSAN_HOST = $(shell rustc -vV | sed -n 's/^host: //p')
TSAN_RT = $(shell rustc +nightly --print sysroot)/lib/rustlib/$(TSAN_HOST)/lib/librustc-nightly_rt.tsan.a
tsan:
	@rustup component list --toolchain nightly --installed 2>/dev/null | grep -q '^rust-src' || \
	  { echo "make tsan: needs the nightly toolchain with rust-src (rustup component add rust-src --toolchain nightly)"; exit 1; }
	RUSTFLAGS=-Zsanitizer=thread $(CARGO) +nightly build -Zbuild-std --target $(TSAN_HOST) --release -p alpr-ffi --lib \
	  --target-dir target/tsan
	$(CXX) -std=c++11 -g -O1 -fsanitize=thread -Iinclude -c examples/c/swap_threads.cpp -o target/tsan/swap_threads.o
	$(CXX) -o target/tsan/swap_threads target/tsan/swap_threads.o target/tsan/$(TSAN_HOST)/release/libalpr.a \
	  -Wl,--whole-archive $(TSAN_RT) -Wl,--no-whole-archive -pthread -ldl -lm -lrt
	TSAN_OPTIONS=halt_on_error=1 target/tsan/swap_threads

$(VENV)/.ready: Makefile
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet 'maturin>=1.8,<2' 'pytest>=8' 'hypothesis>=6' 'pyarrow>=15' 'mypy>=1.18' 'pandas>=2.2' 'polars>=1.0' 'tqdm>=4'
	# alpr.spark and alpr.dask (their tests need Java 17 for Spark; .ci/run installs a JRE).
	$(PY) -m pip install --quiet --no-cache-dir 'pyspark>=4,<5' 'dask[dataframe]>=2024.1'
	touch $@

## py-test: build the wheel, install it in the venv, run pytest, check the type stub with stubtest,
## run examples/notebook_month.py, type-check (mypy --strict) and run examples/python/analyst.py.
py-test: $(VENV)/.ready
	rm -rf target/wheels
	$(VENV)/bin/maturin build --quiet --release -m alpr-py/Cargo.toml -o target/wheels -i $(PY)
	$(PY) -m pip install --quiet --force-reinstall --no-deps target/wheels/*.whl
	cd alpr-py && ../$(PY) -m pytest -q tests
	# The hand-written stub against the built module (names, signatures, defaults, classes).
	cd alpr-py && ../$(PY) -m mypy.stubtest alpr._alpr --ignore-disjoint-bases
	# The notebook-style example (issue 13): a month of detections from Arrow, an audited search,
	# retro-hits of a new list, the quarterly report as DataFrames; it checks what it prints.
	$(PY) examples/notebook_month.py
	# Types that check: an analyst's script under mypy --strict against the installed wheel, then run.
	$(PY) -m mypy --strict --no-incremental examples/python/analyst.py
	$(PY) examples/python/analyst.py

## conformance: the vectors through all three surfaces (plus any directory in ALPR_VECTORS).
conformance: $(VENV)/.ready
	$(CARGO) run --quiet --release -p alpr-core --example conformance -- $(VECTORS)
	$(CARGO) run --quiet --release -p alpr-ffi --example conformance -- $(VECTORS)
	$(PY) -m alpr.conformance $(VECTORS)

## bench: the criterion benchmarks (slow; not part of `make test`).
bench:
	$(CARGO) bench -p alpr-benches


.PHONY: fuzz asan-rust

## fuzz: every cargo-fuzz target in fuzz/fuzz_targets for FUZZ_SECONDS each (default 60), one
## after another, on the nightly toolchain (libFuzzer needs it; a fresh CI machine has only stable,
## so this is not part of `make test`). Installs cargo-fuzz pinned into .tools. Each target's
## corpus grows in fuzz/corpus/<target> (not committed), starting from fuzz/seeds/<target>. A
## crash stops the run with the input in fuzz/artifacts/<target>/: minimize it
## (`cargo +nightly fuzz tmin <target> <file>`), copy it to fuzz/regressions/<target>/ and add a
## line saying what broke to alpr-ffi/tests/fuzz_regressions.rs, which replays it on stable in
## `make test`. The long run: `make fuzz FUZZ_SECONDS=600`.
CARGO_FUZZ_VERSION := 0.13.2
CARGO_FUZZ := .tools/bin/cargo-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := $(basename $(notdir $(wildcard fuzz/fuzz_targets/*.rs)))

$(CARGO_FUZZ):
	$(CARGO) install cargo-fuzz --version $(CARGO_FUZZ_VERSION) --locked --root .tools --quiet

fuzz: $(CARGO_FUZZ)
	@rustup toolchain list | grep -q '^nightly' || \
	  { echo "make fuzz: needs the nightly toolchain (rustup toolchain install nightly)"; exit 1; }
	PATH="$(CURDIR)/.tools/bin:$$PATH" $(CARGO) +nightly fuzz build --fuzz-dir fuzz
	for t in $(FUZZ_TARGETS); do \
	  mkdir -p fuzz/corpus/$$t; \
	  echo "== fuzz $$t for $(FUZZ_SECONDS) s"; \
	  PATH="$(CURDIR)/.tools/bin:$$PATH" $(CARGO) +nightly fuzz run --fuzz-dir fuzz $$t fuzz/corpus/$$t fuzz/seeds/$$t -- \
	    -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 -print_final_stats=1; \
	done

## asan-rust: the Rust tests of alpr-core and alpr-ffi (the C ABI's unsafe code, through its rlib)
## under AddressSanitizer. Needs the nightly toolchain with rust-src (-Zbuild-std rebuilds std with
## the sanitizer); slow (std and every dependency rebuilt instrumented), so not part of `make test`.
## Doctests are left out: rustdoc does not take -Zbuild-std's sanitized std.
ASAN_HOST = $(shell rustc -vV | sed -n 's/^host: //p')
asan-rust:
	@rustup component list --toolchain nightly --installed 2>/dev/null | grep -q '^rust-src' || \
	  { echo "make asan-rust: needs the nightly toolchain with rust-src (rustup component add rust-src --toolchain nightly)"; exit 1; }
	RUSTFLAGS=-Zsanitizer=address ASAN_OPTIONS=detect_leaks=1 $(CARGO) +nightly test -Zbuild-std --target $(ASAN_HOST) \
	  -p alpr-core -p alpr-ffi --lib --tests --target-dir target/asan
