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

.PHONY: demo test lint rust-test header check-header c-test py-test conformance bench clean-tools

## demo: build and run the main job on the embedded default profile and the sample data.
demo:
	$(CARGO) run --quiet --release -p alpr-core --example demo

## test: build everything and run every test on every surface.
test: lint check-header rust-test c-test py-test conformance
	@echo "make test: all green"

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

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
	  $(CC) $(CFLAGS_TEST) -g $$t $(RELEASE_LIB) $(LDLIBS) -o $$b && $$b; \
	  $(CC) $(CFLAGS_TEST) -g -fsanitize=address,undefined -fno-omit-frame-pointer $$t $(RELEASE_LIB) $(LDLIBS) -o $$b-asan && \
	    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1 $$b-asan; \
	  if command -v valgrind >/dev/null; then valgrind -q --error-exitcode=1 --leak-check=full --suppressions=tests/c/valgrind.supp $$b; \
	  else echo "valgrind not installed: skipped under valgrind"; fi; \
	done

$(VENV)/.ready: Makefile
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet 'maturin>=1.8,<2' 'pytest>=8' 'hypothesis>=6' 'pyarrow>=15' 'mypy>=1.18'
	touch $@

## py-test: build the wheel, install it in the venv, run pytest, check the type stub with stubtest.
py-test: $(VENV)/.ready
	rm -rf target/wheels
	$(VENV)/bin/maturin build --quiet --release -m alpr-py/Cargo.toml -o target/wheels -i $(PY)
	$(PY) -m pip install --quiet --force-reinstall --no-deps target/wheels/*.whl
	cd alpr-py && ../$(PY) -m pytest -q tests
	# The hand-written stub against the built module (names, signatures, defaults, classes).
	cd alpr-py && ../$(PY) -m mypy.stubtest alpr._alpr --ignore-disjoint-bases

## conformance: the vectors through all three surfaces (plus any directory in ALPR_VECTORS).
conformance: $(VENV)/.ready
	$(CARGO) run --quiet --release -p alpr-core --example conformance -- $(VECTORS)
	$(CARGO) run --quiet --release -p alpr-ffi --example conformance -- $(VECTORS)
	$(PY) -m alpr.conformance $(VECTORS)

## bench: the criterion benchmarks (slow; not part of `make test`).
bench:
	$(CARGO) bench -p alpr-benches

