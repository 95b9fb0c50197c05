#!/usr/bin/env bash
# Runs every Go fuzz target of the project for a fixed time each: FUZZTIME
# (default 30s), e.g.
#   FUZZTIME=5m bash scripts/fuzz.sh
# Targets: the GraphQL HTTP handler (documents, variables, headers) and every
# parser of user input (cursors, filters, patterns, search text, field
# validation, bearer tokens, config files). A failure leaves its input in the
# package's testdata/fuzz/<target>/, where plain `go test` then replays it;
# commit it with the fix.
set -euo pipefail
cd "$(dirname "$0")/.."

fuzztime="${FUZZTIME:-30s}"
ran=0
for pkg in ./internal/server/ ./graph/ ./internal/emnkg/ ./internal/auth/ ./internal/app/; do
	targets="$(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true)"
	for target in $targets; do
		echo "fuzz: $pkg $target for $fuzztime"
		go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg"
		ran=$((ran + 1))
	done
done
if [[ "$ran" -eq 0 ]]; then
	echo "fuzz: FAILURE: no fuzz targets found" >&2
	exit 1
fi
echo "fuzz: $ran targets each ran $fuzztime without a failure"
