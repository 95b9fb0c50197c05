#!/usr/bin/env bash
# Fault: Neo4j is stopped and restarted (scripts/neo4j.sh stop/start, same
# directory and port) under a bounded load against an emnkg server on it.
# Prints when /readyz turned false and true again, the errors clients saw,
# and the acknowledged writes lost (the target is zero); the emnkg server
# must survive the outage. The server logs one line per request (at info
# level); from them the failed requests are sorted by when they started
# relative to the outage (in flight when the stop began, during the stop,
# while Neo4j was down, while it started, after it answered again) and by how
# they ended: answered (after being held while Neo4j was away, see
# --neo4j-hold-time), refused (503 SERVICE_UNAVAILABLE, nothing run: at once
# without a hold time, or when the hold time ended), SERVICE_UNAVAILABLE
# after the driver's retries (200 with the error), or anything else (e.g.
# CANCELLED when the client timed out first). The load generator's own count
# tells client timeouts ("timeout") from answers.
#
# Usage: bash scripts/faults/neo4j-restart.sh
# Environment:
#   DURATION     load time in seconds (default 90s); must outlast the
#                Neo4j restart
#   STOP_AT      seconds into the load when Neo4j is stopped (default 10)
#   DOWN         seconds Neo4j stays stopped (default 5)
#   WARMUP       seconds of load before the measured run, so that Neo4j
#                has compiled the queries when it is stopped (default 15;
#                0: none)
#   CLIENTS      concurrent clients (default 16)
#   WRITE_SHARE  share of writes (default 0.2)
#   NEO4J_DIR, NEO4J_PORT  a Neo4j to use (default: a new one on a free
#                port, stopped afterwards)
#   OUT          directory for the results (fault-neo4j-restart.json,
#                fault-neo4j-restart.requests.jsonl)
#   CLIENT_TIMEOUT  the load generator's time limit of one request
#                (default 35s: longer than the server's request timeout,
#                30 s, which bounds the hold time, so that clients see the
#                server's answer to a held request instead of giving up)
#   EMNKG_NEO4J_RETRY_TIME, EMNKG_NEO4J_PROBE_INTERVAL, EMNKG_NEO4J_HOLD_TIME
#                passed on to the server (defaults 5s, 1s and 20s)
# Needs Go, curl, jq, Java 17 and Maven. Everything runs on 127.0.0.1.
set -euo pipefail
# Log times in UTC ("...Z"), which the analysis below reads.
export TZ=UTC
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/emnkg-fault-neo4j.XXXXXX")
# shellcheck source=scripts/load/lib.sh
source "$root/scripts/load/lib.sh"
out=${OUT:-$work/out}
mkdir -p "$out"
duration=${DURATION:-90s}
[[ ${duration%s} =~ ^[0-9]+$ ]] || die "DURATION must be whole seconds, like 90s"
stop_at=${STOP_AT:-10}
client_timeout=${CLIENT_TIMEOUT:-35s}
down=${DOWN:-5}
neo4j_dir=${NEO4J_DIR:-}
neo4j_port=${NEO4J_PORT:-}
started_neo4j=""
load_pid=""
poll_pid=""
cleanup() {
	for p in "$load_pid" "$poll_pid"; do
		if [[ -n $p ]]; then kill "$p" 2>/dev/null || true; fi
	done
	if [[ -s $work/neo.pid ]]; then kill -KILL "$(<"$work/neo.pid")" 2>/dev/null || true; fi
	if [[ -n $started_neo4j ]]; then
		neo4j_stop "$neo4j_dir" || true
		rm -rf "$neo4j_dir"
	fi
	rm -rf "$work/bin"
}
trap cleanup EXIT

have_neo4j || die "Java 17 and Maven are needed to run Neo4j"
build_tools
if [[ -z $neo4j_dir ]]; then
	neo4j_dir=$work/neo4j
	started_neo4j=1
fi
neo4j_port=${neo4j_port:-$(free_port)}
note "starting Neo4j on 127.0.0.1:$neo4j_port..."
uri=$(neo4j_start "$neo4j_dir" "$neo4j_port")
key=$(create_key fault-neo4j --neo4j-uri "$uri")
printf '%s\n' "$key" >"$work/key"
addr=127.0.0.1:$(free_port)
# --log-level info: one log line per request, for the analysis.
start_server neo "$addr" --neo4j-uri "$uri" --log-level info

# Record every change of /readyz, with its time.
(
	last=""
	while :; do
		if ready "$addr"; then s=1; else s=0; fi
		if [[ $s != "$last" ]]; then
			echo "$(now_ms) $s" >>"$work/readyz"
			last=$s
		fi
		sleep 0.1
	done
) &
poll_pid=$!

warmup=${WARMUP:-15}
if ((warmup > 0)); then
	note "warming Neo4j up for ${warmup}s (not measured)..."
	"$work/bin/emnkg-load" --url "http://$addr" --token-file "$work/key" --label warm-up --prefix "warmup-$(now_ms)" \
		--duration "${warmup}s" --clients "${CLIENTS:-16}" --write-share "${WRITE_SHARE:-0.2}" --verify=false >/dev/null ||
		die "the warm-up load failed"
fi
echo "== machine: $(nproc) cores; uptime at the start: $(uptime)"
t_load=$(now_ms)
echo "== fault: Neo4j stopped ${stop_at}s into a $duration load for ${down}s, then restarted on the same port; ${CLIENTS:-16} clients, write share ${WRITE_SHARE:-0.2}, client timeout $client_timeout"
echo "== server: hold time ${EMNKG_NEO4J_HOLD_TIME:-20s}, retry time ${EMNKG_NEO4J_RETRY_TIME:-5s}, probe interval ${EMNKG_NEO4J_PROBE_INTERVAL:-1s}"
"$work/bin/emnkg-load" --url "http://$addr" --token-file "$work/key" --label "neo4j, restarted" \
	--duration "$duration" --clients "${CLIENTS:-16}" --write-share "${WRITE_SHARE:-0.2}" \
	--request-timeout "$client_timeout" --pid-file "$work/neo.pid" --ledger "$out/fault-neo4j-restart.acked.jsonl" \
	--json "$out/fault-neo4j-restart.load.json" --fail-on-loss=false >"$work/load.out" 2>&1 &
load_pid=$!
sleep "$stop_at"
t_stop=$(now_ms)
note "stopping Neo4j..."
neo4j_stop "$neo4j_dir"
t_stopped=$(now_ms)
sleep "$down"
note "starting Neo4j again on the same port..."
t_start=$(now_ms)
neo4j_start "$neo4j_dir" "$neo4j_port" >/dev/null
t_up=$(now_ms)
load_status=0
wait "$load_pid" || load_status=$?
load_pid=""
kill "$poll_pid" 2>/dev/null || true
poll_pid=""
cat "$work/load.out"
load_at_end=$(uptime)
alive=true
kill -0 "$(<"$work/neo.pid")" 2>/dev/null || alive=false
false_at=$(awk -v t="$t_stop" '$1 >= t && $2 == 0 {print $1; exit}' "$work/readyz")
true_at=$(awk -v t="${false_at:-$t_stop}" '$1 > t && $2 == 1 {print $1; exit}' "$work/readyz")
stop_server neo
lost=$(json "$out/fault-neo4j-restart.load.json" '.verified.lost')
false_ms=null true_ms=null down_ms=null
if [[ -n $false_at ]]; then false_ms=$((false_at - t_stop)); fi
if [[ -n $true_at ]]; then true_ms=$((true_at - t_start)); fi
if [[ -n $false_at && -n $true_at ]]; then down_ms=$((true_at - false_at)); fi

# The server's request log: one object per GraphQL request, with when it
# started and ended (ms since the epoch), its status and error codes.
jq -c 'select(.msg == "request" and .path == "/graphql")
	| (.time | capture("^(?<s>[^.Z]+)(\\.(?<f>[0-9]+))?Z$")) as $t
	| ((($t.s + "Z") | fromdateiso8601) * 1000 + ((($t.f // "") + "000")[0:3] | tonumber)) as $ended
	| {started: ($ended - .duration_ms | floor), ended: $ended, ms: .duration_ms, status: .status,
	   codes: (.error_codes // [])}' "$work/neo.log" >"$out/fault-neo4j-restart.requests.jsonl"
# Failed requests by phase (when they started) and outcome.
# The measured load ran from t_load for $duration; requests after it are
# the verification's, and requests still running at its end were cut off
# by it (the load generator counts neither as errors).
t_end=$((t_load + ${duration%s} * 1000))
analysis=$(jq -s --argjson tLoad "$t_load" --argjson tEnd "$t_end" --argjson tStop "$t_stop" --argjson tStopped "$t_stopped" --argjson tStart "$t_start" --argjson tUp "$t_up" '
	def phase: if .started < $tStop then (if .ended >= $tStop then "1 in flight when the stop began" else "0 before the stop" end)
		elif .started < $tStopped then "2 started while Neo4j was stopping"
		elif .started < $tStart then "3 started while Neo4j was down"
		elif .started < $tUp then "4 started while Neo4j was starting"
		else "5 started after Neo4j answered again" end;
	def outcome: if .ended >= $tEnd and (.codes | index("CANCELLED")) then "cut off by the end of the run"
		elif .status == 503 and (.codes | index("SERVICE_UNAVAILABLE")) then "refused (503 SERVICE_UNAVAILABLE, nothing run)"
		elif (.codes | length) == 0 and .status < 400 then "ok"
		elif .codes[0] == "SERVICE_UNAVAILABLE" then "SERVICE_UNAVAILABLE after retries (\(.status))"
		else "\(.codes[0] // "no code") (\(.status))" end;
	map(select(.started >= $tLoad and .started < $tEnd) | {phase: phase, outcome: outcome, ms: .ms})
	| group_by(.phase) | map({phase: .[0].phase, requests: length,
		outcomes: (group_by(.outcome) | map({key: .[0].outcome, value: {count: length,
			maxMs: (map(.ms) | max), p50Ms: (map(.ms) | sort | .[length / 2 | floor])}}) | from_entries)})' \
	"$out/fault-neo4j-restart.requests.jsonl")
jq -n --argjson load "$(cat "$out/fault-neo4j-restart.load.json")" \
	--argjson stopMs $((t_stopped - t_stop)) --argjson startMs $((t_up - t_start)) \
	--argjson falseMs "$false_ms" --argjson trueMs "$true_ms" --argjson downMs "$down_ms" \
	--argjson serverSurvived "$alive" --argjson finalGracefulExit "$stopped_status" \
	--argjson phases "$analysis" --arg uptimeEnd "$load_at_end" \
	'{fault: "neo4j stop/start", neo4jStopMs: $stopMs, neo4jStartMs: $startMs,
	  readyzFalseMsAfterStopBegan: $falseMs, readyzTrueMsAfterStartBegan: $trueMs, readyzFalseForMs: $downMs,
	  serverSurvived: $serverSurvived, finalGracefulExit: $finalGracefulExit, uptimeAtTheEnd: $uptimeEnd,
	  requestsByPhase: $phases, load: $load}' \
	>"$out/fault-neo4j-restart.json"
echo "Neo4j stop took $((t_stopped - t_stop)) ms; its restart on the same port $((t_up - t_start)) ms (until scripts/neo4j.sh saw Bolt answer)"
echo "/readyz: false $false_ms ms after the stop began; true again $true_ms ms after the restart began; false for $down_ms ms"
echo "GraphQL requests by when they started (server log), and how they ended (count, p50 / max ms):"
jq -r '.[] | "  \(.phase[2:]): \(.requests) requests; " +
	([.outcomes | to_entries[] | "\(.key) \(.value.count) (\(.value.p50Ms) / \(.value.maxMs) ms)"] | join(", "))' <<<"$analysis"
echo "the store's notes on Neo4j (server log):"
jq -r 'select((.msg | type) == "string" and (.msg | startswith("Neo4j")))
	| "  \(.time) \(.msg)" + ([to_entries[] | select(.key | IN("time", "level", "msg") | not) | " \(.key)=\(.value)"] | join(""))' "$work/neo.log"
echo "uptime at the end: $load_at_end"
echo "emnkg server survived the outage: $alive (graceful exit status at the end: $stopped_status)"
echo "acknowledged writes lost: $lost"
[[ $load_status == 0 && $lost == 0 && $alive == true && -n $true_at ]] || die "the server did not recover cleanly (see above)"
