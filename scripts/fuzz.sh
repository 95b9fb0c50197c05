#!/usr/bin/env bash
# Runs every Go fuzz target of the GraphQL HTTP handler (internal/server)
# for a fixed time each: FUZZTIME (default 30s), e.g.
#   FUZZTIME=5m bash scripts/fuzz.sh
# A failure leaves its input in internal/server/testdata/fuzz/<target>/,
# where plain `go test` then replays it; commit it with the fix.
set -euo pipefail
cd "$(dirname "$0")/.."

fuzztime="${FUZZTIME:-30s}"
pkg=./internal/server/
targets="$(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true)"
if [[ -z "$targets" ]]; then
	echo "fuzz: FAILURE: no fuzz targets found in $pkg" >&2
	exit 1
fi
for target in $targets; do
	echo "fuzz: $target for $fuzztime"
	go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg"
done
echo "fuzz: every target ran $fuzztime without a failure"
