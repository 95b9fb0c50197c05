#!/usr/bin/env bash
# Runs emnkg's reliability checks and prints the figures that
# docs/reliability.md records:
#   1. the hostile-input corpus (every injection string in every string
#      argument: EMNKG_RELIABILITY_FULL=1), the kill -9 durability test,
#      /readyz following Neo4j, and graceful shutdown (go test);
#   2. the fuzz targets (scripts/fuzz.sh, FUZZTIME each, default 10s);
#   3. a bounded load against each store (scripts/load/load.sh);
#   4. faults under load: kill -9 of the embedded server
#      (scripts/faults/embedded-kill.sh) and a Neo4j stop and restart
#      (scripts/faults/neo4j-restart.sh).
# Everything listens on and talks to 127.0.0.1 only, and is bounded in
# time: about 10 minutes with the defaults.
#
# Environment: FUZZTIME (10s), LOAD_DURATION (30s), KILL_DURATION (30s),
# NEO4J_FAULT_DURATION (90s), CLIENTS (16), OUT (results directory;
# default: a new temporary one). Needs Go, curl, jq; Java 17 and Maven for
# the Neo4j parts (skipped without them, a failure when CI=true).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
work=$(mktemp -d "${TMPDIR:-/tmp}/emnkg-reliability.XXXXXX")
# shellcheck source=scripts/load/lib.sh
source "$root/scripts/load/lib.sh"
out=${OUT:-$work/out}
mkdir -p "$out"
neo4j_dir=$work/neo4j
neo4j_port=""
cleanup() {
	if [[ -n $neo4j_port ]]; then
		neo4j_stop "$neo4j_dir" || true
		rm -rf "$neo4j_dir"
	fi
}
trap cleanup EXIT
for tool in go curl jq; do
	command -v "$tool" >/dev/null || die "$tool is needed"
done

{
	echo "## Machine"
	echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "- CPU: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
	echo "- memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
	echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "- $(go version)"
	if command -v java >/dev/null; then echo "- $(java -version 2>&1 | head -n 1)"; fi
} | tee "$out/machine.md"

if have_neo4j; then
	neo4j_port=$(free_port)
	note "starting Neo4j on 127.0.0.1:$neo4j_port for the Neo4j parts..."
	export EMNKG_TEST_NEO4J_URI
	EMNKG_TEST_NEO4J_URI=$(neo4j_start "$neo4j_dir" "$neo4j_port")
else
	[[ ${CI:-} != true ]] || die "Java and Maven are needed for the Neo4j parts, and CI=true forbids skipping them"
	note "WARNING: java or mvn missing: every Neo4j part is SKIPPED"
fi

echo "== 1. go test: hostile inputs, kill -9 durability, /readyz, graceful shutdown"
EMNKG_RELIABILITY_FULL=1 go test -count=1 -timeout 20m -v \
	-run '^(TestHostileInputs|TestKill9LosesNoAcknowledgedWrite)$' ./internal/reliability >"$out/go-test-reliability.log" 2>&1 ||
	{ tail -n 60 "$out/go-test-reliability.log"; die "internal/reliability tests failed"; }
go test -count=1 -v -run '^(TestReadyzFollowsTheStore|TestShutdown.*|TestSubscriptionsRefusedWhileShuttingDown)$' \
	./internal/server >"$out/go-test-server.log" 2>&1 ||
	{ tail -n 60 "$out/go-test-server.log"; die "internal/server tests failed"; }
grep -hE 'hostile requests|requests \(full|acknowledged writes on|restarted and ready|first start|/readyz (false|true)|^(--- |    --- )' \
	"$out/go-test-reliability.log" "$out/go-test-server.log" | sed 's/^ *//' | cut -c1-220

echo "== 2. fuzz (FUZZTIME=${FUZZTIME:-10s} per target)"
FUZZTIME=${FUZZTIME:-10s} bash scripts/fuzz.sh >"$out/fuzz.log" 2>&1 || { tail -n 40 "$out/fuzz.log"; die "fuzzing failed"; }
# The last progress line of each target: its executions.
awk '/^fuzz: Fuzz/ {target = $2} /^fuzz: elapsed/ {last = $0} /^ok/ {print target ": " last}' "$out/fuzz.log" |
	sed 's/fuzz: elapsed/elapsed/' | tee "$out/fuzz.md"

echo "== 3. load"
stores=(embedded)
if [[ -n $neo4j_port ]]; then stores+=(neo4j); fi
OUT=$out DURATION=${LOAD_DURATION:-30s} NEO4J_DIR=$neo4j_dir NEO4J_PORT=$neo4j_port \
	bash scripts/load/load.sh "${stores[@]}"

echo "== 4a. fault: kill -9 of the embedded server during writes"
OUT=$out DURATION=${KILL_DURATION:-30s} bash scripts/faults/embedded-kill.sh
if [[ -n $neo4j_port ]]; then
	echo "== 4b. fault: Neo4j stopped and restarted during load"
	OUT=$out DURATION=${NEO4J_FAULT_DURATION:-90s} NEO4J_DIR=$neo4j_dir NEO4J_PORT=$neo4j_port \
		bash scripts/faults/neo4j-restart.sh
fi

echo
echo "== figures (also in $out/summary.md)"
{
	cat "$out/machine.md"
	echo
	echo "## Load (${LOAD_DURATION:-30s}, ${CLIENTS:-16} clients, 20% writes)"
	echo
	echo "| store | requests | req/s | errors | read p50 / p99 ms | write p50 / p99 ms | server RSS max MiB | acknowledged writes | lost after restart |"
	echo "|---|---|---|---|---|---|---|---|---|"
	for s in "${stores[@]}"; do
		jq -r --slurpfile v "$out/load-$s.verify.json" '"| \(.label) | \(.requests) | \(.requestsPerSecond | round) | \(.errors) | \(.reads.p50Ms | round) / \(.reads.p99Ms | round) | \(.writes.p50Ms | round) / \(.writes.p99Ms | round) | \(.rssMaxMiB | round) | \(.acknowledgedWrites) | \($v[0].verified.lost) |"' "$out/load-$s.json"
	done
	echo
	echo "## Fuzzing (FUZZTIME=${FUZZTIME:-10s} per target)"
	echo
	sed 's/^/- /' "$out/fuzz.md"
	echo
	echo "## Tests"
	echo
	grep -hE 'hostile requests|requests \(full|acknowledged writes on|restarted and ready|/readyz (false|true)' \
		"$out/go-test-reliability.log" "$out/go-test-server.log" | sed 's/^ *[a-z_]*\.go:[0-9]*: /- /' | cut -c1-300
	echo
	echo "## Faults"
	echo
	jq -r '"- kill -9 of the embedded server (\(.recovery.count)x in \(.load.durationSeconds | floor) s, \(.load.clients) clients, \(.load.writeShare * 100 | floor)% writes): ready again after \(.recovery.minMs)-\(.recovery.maxMs) ms (mean \(.recovery.meanMs) ms); client errors \(.load.errors) of \(.load.requests) (\(.load.errorsByClass | to_entries | map("\(.key) \(.value)") | join(", "))); longest outage seen by clients \(.load.longestOutageMs | floor) ms; acknowledged writes \(.load.acknowledgedWrites), lost \(.load.verified.lost)"' "$out/fault-embedded-kill.json"
	if [[ -f $out/fault-neo4j-restart.json ]]; then
		jq -r '"- Neo4j stopped (\(.neo4jStopMs) ms) and restarted on the same port (\(.neo4jStartMs) ms) under load: /readyz false \(.readyzFalseMsAfterStopBegan) ms after the stop began, true again \(.readyzTrueMsAfterStartBegan) ms after the restart began; emnkg server survived: \(.serverSurvived); client errors \(.load.errors) of \(.load.requests) (\(.load.errorsByClass | to_entries | map("\(.key) \(.value)") | join(", "))); longest outage seen by clients \(.load.longestOutageMs | floor) ms; acknowledged writes \(.load.acknowledgedWrites), lost \(.load.verified.lost)"' "$out/fault-neo4j-restart.json"
	fi
	echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/summary.md"
echo "reliability: every check passed; results in $out"
