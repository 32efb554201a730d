#!/usr/bin/env bash
# `make check-symbols`: the functions libalpr.so exports, checked against what is committed.
#
#   alpr-ffi/abi/check-symbols.sh target/release/libalpr.so
#
# 1. Every exported symbol is an `alpr_` function declared in include/alpr.h, and every function
#    the header declares is exported.
# 2. The exported list equals alpr-ffi/abi/symbols.txt: a change to the exports shows up as a
#    diff of that file in review.
# 3. Every symbol added or removed since alpr-ffi/abi/released.txt (the exports of the last
#    release) is named, in backticks, in the CHANGELOG's first section (the release being
#    prepared). So the list cannot change without the CHANGELOG saying so, and the check needs
#    only the files of the tree, not git history (a shallow clone or a tarball works too).
# On release: copy symbols.txt over released.txt and open a new CHANGELOG section.
set -euo pipefail
cd "$(dirname "$0")/../.."
lib=${1:-target/release/libalpr.so}
abi=alpr-ffi/abi
fail=0

names() { grep -vE '^[[:space:]]*(#|$)' "$1" | sort; }

exported=$(nm -D --defined-only "$lib" | awk 'NF == 3 { print $3 }' | sort)
declared=$(grep -vE '^[[:space:]]*(//|\*|/\*)' include/alpr.h | grep -oE '\balpr_[a-z0-9_]+\(' | tr -d '(' | sort -u)

outside=$(grep -v '^alpr_' <<<"$exported" || true)
if [[ -n $outside ]]; then
  echo "check-symbols: exported outside the alpr_ namespace:"; sed 's/^/  /' <<<"$outside"; fail=1
fi
if ! diff_out=$(diff <(echo "$declared") <(echo "$exported")); then
  echo "check-symbols: include/alpr.h and $lib disagree (< declared only, > exported only):"
  sed 's/^/  /' <<<"$diff_out"; fail=1
fi
if ! diff_out=$(diff <(names $abi/symbols.txt) <(echo "$exported")); then
  echo "check-symbols: the exports changed (< in $abi/symbols.txt only, > exported only):"
  sed 's/^/  /' <<<"$diff_out"
  echo "  Update $abi/symbols.txt (nm -D --defined-only $lib | awk 'NF == 3 {print \$3}' | sort)"
  echo "  and name each added or removed function in the first section of CHANGELOG.md."
  fail=1
fi

section=$(awk '/^## / { n++ } n == 1' CHANGELOG.md)
unnamed=""
while read -r change; do
  [[ -z $change ]] && continue
  symbol=${change:2}
  if ! grep -qF "\`$symbol\`" <<<"$section"; then
    unnamed+="  ${change:0:1} $symbol"$'\n'
  fi
done < <(diff <(names $abi/released.txt) <(echo "$exported") | grep -E '^[<>] ' | sed 's/^</-/; s/^>/+/' || true)
if [[ -n $unnamed ]]; then
  echo "check-symbols: changed since the last release ($abi/released.txt) but not named in"
  echo "the first section of CHANGELOG.md (+ added, - removed; name each as \`alpr_…\`):"
  printf '%s' "$unnamed"; fail=1
fi

if ((fail)); then exit 1; fi
echo "check-symbols: $(wc -l <<<"$exported") exported functions, as in $abi/symbols.txt and include/alpr.h;" \
  "changes since $abi/released.txt named in CHANGELOG.md"
