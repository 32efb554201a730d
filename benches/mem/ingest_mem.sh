#!/usr/bin/env bash
# Peak RSS of loading hostile hot-list files (issue 14, item 4): writes each file to a temporary
# directory, loads it in a fresh process (`ingest_mem` example, which reads the file as the C and
# Python path loads do) under `/usr/bin/time -v`, and prints the peak RSS (which includes the
# file's own bytes) next to the file's size.
#
#   benches/mem/ingest_mem.sh            # build the example (release) and run every case
#   BIN=/path/to/ingest_mem benches/mem/ingest_mem.sh   # measure another build of it
#
# Cases: 5,000,000 CSV records of one repeated entry (target: ≤ 100 MB peak); a CSV and a CLEW
# file of one record after 200,000,000 blank lines (target: no abort, ≤ 2× the file's size);
# 8 MB of `x\n` lines (4,000,000 duplicates of a one-character plate).
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ -z "${BIN:-}" ]]; then
    cargo build --release --quiet -p alpr-benches --example ingest_mem
    BIN=target/release/examples/ingest_mem
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# `yes` ends on SIGPIPE when `head` has enough: not a failure here.
set +o pipefail
{ echo plate; yes 7ABC123 | head -n 5000000; } >"$dir/dup.csv"
{ echo plate; yes '' | head -n 200000000; echo 7ABC123; } >"$dir/blank.csv"
{ echo 'DATE11/28/2026 06:00'; yes '' | head -n 200000000; echo '7ABC123 CA3420181105'; echo 'TOTAL RECORD 0000001'; } >"$dir/blank.tbl"
{ echo plate; yes x | head -n 4000000; } >"$dir/x.csv"
set -o pipefail

printf '%-34s %12s %14s  %s\n' case "file MB" "peak RSS MB" result
for case in "5M duplicate CSV records:csv:dup.csv" \
            "200M blank lines, CSV:csv:blank.csv" \
            "200M blank lines, CLEW:ca_doj_clew:blank.tbl" \
            "8 MB of x lines (4M duplicates):csv:x.csv"; do
    IFS=: read -r name format file <<<"$case"
    size=$(stat -c %s "$dir/$file")
    set +e
    out=$(/usr/bin/time -v "$BIN" "$format" "$dir/$file" 2>"$dir/time.txt")
    status=$?
    set -e
    rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$dir/time.txt")
    [[ $status -eq 0 ]] || out="exit status $status: $out"
    printf '%-34s %12.1f %14.1f  %s\n' "$name" "$(bc -l <<<"$size/1000000")" "$(bc -l <<<"$rss_kb*1024/1000000")" "$out"
done
