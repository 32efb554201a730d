#!/usr/bin/env bash
# `make pkg-test`: installs the C library as a vendor would, then builds and runs examples/c/
# against the installed files only (not the source tree's include/ or target/):
#   1. `make install PREFIX=<tmp>/prefix` and `make install PREFIX=/usr DESTDIR=<tmp>/stage`:
#      file layout, symlinks, SONAME, pkg-config and CMake files;
#   2. through pkg-config: match_stdin linked shared and static, swap_threads plain and under
#      ASan+UBSan (the C++ program that checks every batch's hits come from exactly one list
#      version while another thread swaps 1,000 versions);
#   3. through CMake: find_package(alpr) -> alpr::alpr / alpr::alpr_static, built and run by ctest,
#      and again after moving the installed tree.
# Expects MAKE, CC, CXX, CMAKE, VERSION, VERSION_MAJOR from the Makefile.
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${MAKE:=make}" "${CC:=cc}" "${CXX:=c++}" "${CMAKE:=cmake}" "${VERSION:?}" "${VERSION_MAJOR:?}"
# cmake may be given relative (the venv's); ctest sits beside it.
if [[ $CMAKE == */* ]]; then CMAKE=$(cd "$(dirname "$CMAKE")" && pwd)/$(basename "$CMAKE"); fi
CTEST=$(dirname "$(command -v "$CMAKE")")/ctest
command -v pkg-config >/dev/null || { echo "pkg-test: pkg-config is not installed (apt-get install pkg-config)"; exit 1; }
tmp=$(pwd)/target/pkg-test
rm -rf "$tmp"
mkdir -p "$tmp/bin"
prefix=$tmp/prefix
lib=$prefix/lib
step() { echo "pkg-test: $*"; }
fail() { echo "pkg-test: FAIL: $*" >&2; exit 1; }

step "make install PREFIX=$prefix"
$MAKE --no-print-directory -s install PREFIX="$prefix" >/dev/null
for f in lib/libalpr.so.$VERSION lib/libalpr.so.$VERSION_MAJOR lib/libalpr.so lib/libalpr.a include/alpr.h \
  lib/pkgconfig/alpr.pc lib/cmake/alpr/alprConfig.cmake lib/cmake/alpr/alprConfigVersion.cmake; do
  [[ -e $prefix/$f ]] || fail "$f not installed"
done
[[ $(readlink "$lib/libalpr.so.$VERSION_MAJOR") == "libalpr.so.$VERSION" ]] || fail "libalpr.so.$VERSION_MAJOR link"
[[ $(readlink "$lib/libalpr.so") == "libalpr.so.$VERSION_MAJOR" ]] || fail "libalpr.so link"
soname=$(readelf -d "$lib/libalpr.so.$VERSION" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[[ $soname == "libalpr.so.$VERSION_MAJOR" ]] || fail "SONAME is '$soname', not libalpr.so.$VERSION_MAJOR"
step "SONAME $soname; $(cd "$prefix" && find . -type f -o -type l | sort | tr '\n' ' ')"

step "make install PREFIX=/usr DESTDIR=$tmp/stage"
$MAKE --no-print-directory -s install PREFIX=/usr DESTDIR="$tmp/stage" >/dev/null
[[ -L $tmp/stage/usr/lib/libalpr.so.$VERSION_MAJOR && -e $tmp/stage/usr/include/alpr.h ]] || fail "staged layout"
grep -qx 'prefix=/usr' "$tmp/stage/usr/lib/pkgconfig/alpr.pc" || fail "staged alpr.pc does not name prefix /usr"
if grep -rq "$tmp/stage" "$tmp/stage"; then fail "the staging directory leaked into an installed file"; fi

export PKG_CONFIG_PATH=$lib/pkgconfig
[[ $(pkg-config --modversion alpr) == "$VERSION" ]] || fail "pkg-config --modversion alpr"
cflags=$(pkg-config --cflags alpr)
libs=$(pkg-config --libs alpr)
static_libs=$(pkg-config --static --libs alpr | sed 's/-lalpr\b/-l:libalpr.a/')
step "pkg-config: cflags '$cflags', libs '$libs', static '$static_libs'"
warn=(-Wall -Wextra -Werror -pedantic)
rpath=-Wl,-rpath,$lib
$CC -std=c11 "${warn[@]}" examples/c/match_stdin.c $cflags $libs "$rpath" -o "$tmp/bin/match_stdin"
$CC -std=c11 "${warn[@]}" examples/c/match_stdin.c $cflags $static_libs -o "$tmp/bin/match_stdin_static"
$CXX -std=c++11 "${warn[@]}" examples/c/swap_threads.cpp $cflags $libs "$rpath" -pthread -o "$tmp/bin/swap_threads"
$CXX -std=c++11 "${warn[@]}" -g -fsanitize=address,undefined -fno-omit-frame-pointer examples/c/swap_threads.cpp \
  $cflags $libs "$rpath" -pthread -o "$tmp/bin/swap_threads_asan"
readelf -d "$tmp/bin/match_stdin" | grep -q "NEEDED.*\[libalpr.so.$VERSION_MAJOR\]" ||
  fail "the shared build does not record libalpr.so.$VERSION_MAJOR"
if readelf -d "$tmp/bin/match_stdin_static" | grep -q 'NEEDED.*libalpr'; then fail "the static build needs libalpr.so"; fi

step "run the pkg-config builds"
sh examples/c/run_match_stdin.sh "$tmp/bin/match_stdin"
sh examples/c/run_match_stdin.sh "$tmp/bin/match_stdin_static"
"$tmp/bin/swap_threads"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  "$tmp/bin/swap_threads_asan"

step "CMake: find_package(alpr) from $prefix"
"$CMAKE" -S examples/c -B "$tmp/cmake" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release >"$tmp/cmake.log" ||
  { cat "$tmp/cmake.log"; fail "cmake configure"; }
"$CMAKE" --build "$tmp/cmake" >>"$tmp/cmake.log" || { cat "$tmp/cmake.log"; fail "cmake build"; }
(cd "$tmp/cmake" && "$CTEST" --output-on-failure)

step "CMake: the installed tree moved elsewhere still works (paths relative to alprConfig.cmake)"
mv "$prefix" "$tmp/moved"
"$CMAKE" -S examples/c -B "$tmp/cmake-moved" -DCMAKE_PREFIX_PATH="$tmp/moved" >>"$tmp/cmake.log" ||
  { cat "$tmp/cmake.log"; fail "cmake configure (moved)"; }
"$CMAKE" --build "$tmp/cmake-moved" --target match_stdin >>"$tmp/cmake.log" || { cat "$tmp/cmake.log"; fail "cmake build (moved)"; }
sh examples/c/run_match_stdin.sh "$tmp/cmake-moved/match_stdin"
step "all installed-package checks passed"
