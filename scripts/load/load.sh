#!/usr/bin/env bash
# Bounded load against emnkg servers on 127.0.0.1, one per store: many
# concurrent clients mix reads and editor writes for a fixed time
# (internal/reliability/cmd/emnkg-load); then the server is stopped
# (SIGTERM), started again, and every acknowledged write is checked.
#
# Usage: bash scripts/load/load.sh [embedded] [neo4j]     (default: both)
#
# Environment:
#   DURATION       load time per store (default 30s; at most 10m)
#   CLIENTS        concurrent clients (default 16)
#   WRITE_SHARE    share of writes (default 0.2)
#   NEO4J_DIR      directory of the Neo4j to use (default: a new one in
#                  the work directory, stopped afterwards); NEO4J_PORT its
#                  Bolt port (default: a free one)
#   OUT            directory for the results (default: a temporary one);
#                  load-<store>.json holds each run's figures
# Needs Go, curl and jq; Java 17 and Maven for Neo4j (skipped without,
# a failure when CI=true).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/emnkg-load.XXXXXX")
# shellcheck source=scripts/load/lib.sh
source "$root/scripts/load/lib.sh"
out=${OUT:-$work/out}
mkdir -p "$out"
duration=${DURATION:-30s}
clients=${CLIENTS:-16}
write_share=${WRITE_SHARE:-0.2}
neo4j_dir=${NEO4J_DIR:-}
neo4j_port=${NEO4J_PORT:-}
started_neo4j=""
cleanup() {
	for name in embedded neo4j; do
		if [[ -s $work/$name.pid ]]; then kill -KILL "$(<"$work/$name.pid")" 2>/dev/null || true; fi
	done
	if [[ -n $started_neo4j ]]; then
		neo4j_stop "$neo4j_dir" || true
		rm -rf "$neo4j_dir"
	fi
	rm -rf "$work/embedded-data" "$work/bin"
}
trap cleanup EXIT

stores=("$@")
[[ ${#stores[@]} -gt 0 ]] || stores=(embedded neo4j)
build_tools

for store in "${stores[@]}"; do
	case $store in
	embedded)
		flags=(--data "$work/embedded-data")
		;;
	neo4j)
		if ! have_neo4j; then
			[[ ${CI:-} != true ]] || die "Java and Maven are needed for the Neo4j load, and CI=true forbids skipping it"
			note "WARNING: java or mvn missing: the Neo4j load is SKIPPED"
			continue
		fi
		if [[ -z $neo4j_dir ]]; then
			neo4j_dir=$work/neo4j
			started_neo4j=1
		fi
		neo4j_port=${neo4j_port:-$(free_port)}
		note "starting Neo4j on 127.0.0.1:$neo4j_port..."
		uri=$(neo4j_start "$neo4j_dir" "$neo4j_port")
		flags=(--neo4j-uri "$uri")
		;;
	*) die "unknown store $store (embedded or neo4j)" ;;
	esac
	key=$(create_key "load-$store" "${flags[@]}")
	[[ -n $key ]] || die "no API key"
	printf '%s\n' "$key" >"$work/$store.key"
	addr=127.0.0.1:$(free_port)
	note "$store: serving on $addr"
	start_server "$store" "$addr" "${flags[@]}"
	echo "== load: $store store, $duration, $clients clients, write share $write_share"
	"$work/bin/emnkg-load" --url "http://$addr" --token-file "$work/$store.key" --label "$store" \
		--duration "$duration" --clients "$clients" --write-share "$write_share" \
		--pid-file "$work/$store.pid" --ledger "$out/load-$store.acked.jsonl" --verify=false \
		--json "$out/load-$store.json"
	stop_server "$store"
	echo "graceful stop (SIGTERM): exit status $stopped_status"
	[[ $stopped_status == 0 ]] || die "emnkg serve ($store) exited with $stopped_status on SIGTERM"
	start_server "$store" "$addr" "${flags[@]}"
	echo "after a restart:"
	"$work/bin/emnkg-load" --url "http://$addr" --verify-only --ledger "$out/load-$store.acked.jsonl" \
		--json "$out/load-$store.verify.json"
	stop_server "$store"
done
echo "load: results in $out"
