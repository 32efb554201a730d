#!/bin/sh
# Runs a match_stdin binary on the sample CLEW list and examples/c/reads.txt at a fixed time and
# compares its output with examples/c/match_stdin.expected (the hits checked by hand against
# alpr-core/data/svs.tbl). Usage: run_match_stdin.sh PATH/TO/match_stdin
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$("$1" "$here/../../alpr-core/data/svs.tbl" 1795896000000 < "$here/reads.txt")
if [ "$out" != "$(cat "$here/match_stdin.expected")" ]; then
  printf '%s\n' "$out" | diff -u "$here/match_stdin.expected" - || true
  echo "run_match_stdin.sh: $1: output differs from match_stdin.expected" >&2
  exit 1
fi
echo "run_match_stdin.sh: $1: output as expected"
