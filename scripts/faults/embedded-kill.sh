#!/usr/bin/env bash
# Fault: the embedded-store server is killed with SIGKILL (kill -9) while
# clients write, and restarted at once on the same address and data, KILLS
# times during a bounded load (internal/reliability/cmd/emnkg-load); at the
# end every acknowledged write is checked. Prints the recovery time of
# each restart (kill to /readyz 200), the errors clients saw, and the
# acknowledged writes lost (the target is zero).
#
# Usage: bash scripts/faults/embedded-kill.sh
# Environment:
#   DURATION     load time in seconds, e.g. 30s (default)
#   KILLS        kill -9 count, evenly spread (default 3)
#   CLIENTS      concurrent clients (default 16)
#   WRITE_SHARE  share of writes (default 0.5)
#   OUT          directory for the results (fault-embedded-kill.json)
# Needs Go, curl and jq. Everything runs on 127.0.0.1.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/emnkg-fault-kill.XXXXXX")
# shellcheck source=scripts/load/lib.sh
source "$root/scripts/load/lib.sh"
out=${OUT:-$work/out}
mkdir -p "$out"
duration=${DURATION:-30s}
secs=${duration%s}
[[ $secs =~ ^[0-9]+$ ]] || die "DURATION must be whole seconds, like 30s"
kills=${KILLS:-3}
load_pid=""
cleanup() {
	if [[ -n $load_pid ]]; then kill "$load_pid" 2>/dev/null || true; fi
	if [[ -s $work/emb.pid ]]; then kill -KILL "$(<"$work/emb.pid")" 2>/dev/null || true; fi
	rm -rf "$work/data" "$work/bin"
}
trap cleanup EXIT

build_tools
data=$work/data
key=$(create_key fault-kill --data "$data")
printf '%s\n' "$key" >"$work/key"
addr=127.0.0.1:$(free_port)
start_server emb "$addr" --data "$data"
echo "== fault: kill -9 of the embedded-store server, $kills times in $duration, ${CLIENTS:-16} clients, write share ${WRITE_SHARE:-0.5}"
"$work/bin/emnkg-load" --url "http://$addr" --token-file "$work/key" --label "embedded, kill -9 x$kills" \
	--duration "$duration" --clients "${CLIENTS:-16}" --write-share "${WRITE_SHARE:-0.5}" \
	--pid-file "$work/emb.pid" --ledger "$out/fault-embedded-kill.acked.jsonl" \
	--json "$out/fault-embedded-kill.load.json" --fail-on-loss=false >"$work/load.out" 2>&1 &
load_pid=$!

interval=$((secs * 1000 / (kills + 1)))
recoveries=()
for ((k = 1; k <= kills; k++)); do
	sleep "$(awk -v ms="$interval" 'BEGIN {printf "%.3f", ms / 1000}')"
	t0=$(now_ms)
	kill9_server emb
	start_server emb "$addr" --data "$data"
	t1=$(now_ms)
	recoveries+=($((t1 - t0)))
	echo "kill -9 #$k: the restarted server answered /readyz after $((t1 - t0)) ms"
done
load_status=0
wait "$load_pid" || load_status=$?
load_pid=""
cat "$work/load.out"
stop_server emb
lost=$(json "$out/fault-embedded-kill.load.json" '.verified.lost')
recov=$(printf '%s\n' "${recoveries[@]}" | jq -s '{count: length, minMs: min, maxMs: max, meanMs: (add / length | floor)}')
jq -n --argjson load "$(cat "$out/fault-embedded-kill.load.json")" --argjson recovery "$recov" \
	--arg exit "$stopped_status" '{fault: "embedded kill -9", recovery: $recovery, load: $load, finalGracefulExit: ($exit | tonumber)}' \
	>"$out/fault-embedded-kill.json"
echo "recovery after kill -9 (kill to ready): $(jq -r '"min \(.minMs) ms, mean \(.meanMs) ms, max \(.maxMs) ms over \(.count) kills"' <<<"$recov")"
echo "acknowledged writes lost: $lost"
[[ $load_status == 0 && $lost == 0 ]] || die "acknowledged writes were lost or the load failed (status $load_status)"
