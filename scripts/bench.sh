#!/usr/bin/env bash
# Benchmarks emnkg's graph queries on both stores: starts a Neo4j Community
# of its own with scripts/neo4j.sh, runs the benchmarks of internal/bench
# (synthetic graphs of 10k and 100k nodes loaded into the embedded store and
# into Neo4j), prints the raw results and a summary table with the growth
# from the smallest to the largest graph, and stops Neo4j.
#
# Usage: scripts/bench.sh
#
# Environment:
#   EMNKG_BENCH_TIME       -benchtime of each query (default 2s)
#   EMNKG_BENCH_WARMUP     how long the queries run in turn on each loaded
#                          store before they are measured (default 60s)
#   EMNKG_BENCH_1M=1       also benchmark a graph of 1,000,000 nodes
#   EMNKG_BENCH_SIZES      comma-separated node counts instead (e.g. 10000,100000)
#   EMNKG_BENCH_FILTER     -bench pattern (default .), e.g. 'Queries/sqlite'
#   EMNKG_BENCH_OUT        file to keep the raw output in (default: not kept)
#   EMNKG_NEO4J_HEAP       JVM heap of the benchmark Neo4j (default 2g)
#   EMNKG_NEO4J_PAGECACHE_MIB  its page cache (default 1024)
#   EMNKG_NEO4J_JAVA_OPTS  its JVM options (default: the full JIT,
#                          -XX:TieredStopAtLevel=4)
#   EMNKG_NEO4J_VERSION    its version (default 5.26 LTS; "current" for the
#                          newest release emnkg is tested with; see
#                          scripts/neo4j.sh)
#   EMNKG_TEST_NEO4J_URI   use this Neo4j instead of starting one: its
#                          database is WIPED, as by the test suite
#
# Without Java or Maven only the embedded store is benchmarked (with a loud
# warning). The Neo4j load of 100k nodes takes minutes: see
# docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."

workdir="$(mktemp -d "${TMPDIR:-/tmp}/emnkg-bench.XXXXXX")"
neo4j_started=""
cleanup() {
	if [[ -n "$neo4j_started" ]]; then
		bash scripts/neo4j.sh stop "$workdir/neo4j" >/dev/null 2>&1 || true
	fi
	rm -rf "$workdir"
}
trap cleanup EXIT

if [[ -n "${EMNKG_TEST_NEO4J_URI:-}" ]]; then
	echo "bench.sh: using the Neo4j at $EMNKG_TEST_NEO4J_URI (its data will be wiped)"
elif command -v java >/dev/null 2>&1 && command -v mvn >/dev/null 2>&1; then
	echo "bench.sh: starting Neo4j for the benchmarks..."
	export EMNKG_NEO4J_HEAP="${EMNKG_NEO4J_HEAP:-2g}"
	export EMNKG_NEO4J_PAGECACHE_MIB="${EMNKG_NEO4J_PAGECACHE_MIB:-1024}"
	# The test launcher limits the JIT to C1 for quick starts; benchmarks
	# measure Neo4j with the full JIT, as a deployment runs it.
	export EMNKG_NEO4J_JAVA_OPTS="${EMNKG_NEO4J_JAVA_OPTS:--XX:TieredStopAtLevel=4}"
	neo4j_started=1
	uri="$(bash scripts/neo4j.sh start "$workdir/neo4j")"
	export EMNKG_TEST_NEO4J_URI="$uri"
	# The benchmarks report the server's peak memory too.
	export EMNKG_BENCH_NEO4J_PID="$(<"$workdir/neo4j/neo4j.pid")"
	# This Neo4j is ours alone: take the test lock in a private directory,
	# so that test runs of other checkouts are not kept waiting.
	mkdir -p "$workdir/tmp"
	export TMPDIR="$workdir/tmp"
	echo "bench.sh: Neo4j is up at $uri (heap $EMNKG_NEO4J_HEAP, page cache $EMNKG_NEO4J_PAGECACHE_MIB MiB)"
else
	echo "######################################################################" >&2
	echo "bench.sh: WARNING: java or mvn not found: Neo4j is NOT benchmarked."    >&2
	echo "######################################################################" >&2
fi

echo "bench.sh: machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) memory, load average $(cut -d' ' -f1-3 /proc/loadavg)"
out="$workdir/bench.txt"
status=0
# -v prints the load times and answer sizes that the benchmarks log.
go test -run '^$' -bench "${EMNKG_BENCH_FILTER:-.}" -benchtime "${EMNKG_BENCH_TIME:-2s}" -count 1 -timeout 240m -v \
	./internal/bench/ 2>&1 | grep --line-buffered -v '^=== RUN' | tee "$out" || status=$?
if [[ -n "${EMNKG_BENCH_OUT:-}" ]]; then
	cp "$out" "$EMNKG_BENCH_OUT"
fi

echo
echo "== load times =="
sed -n 's/.*LOAD //p' "$out"
echo
echo "== figures (mean ms per query; growth = mean at the largest size / mean at the smallest) =="
awk '
/^BenchmarkQueries\/.* ns\/op/ {
	name = $1
	sub(/^BenchmarkQueries\//, "", name)
	sub(/-[0-9]+$/, "", name)
	n = split(name, p, "/")
	store = p[1]; size = p[2]; q = p[3]
	for (i = 4; i <= n; i++) q = q "/" p[i]
	for (i = 3; i < NF; i += 2) v[$(i + 1)] = $i
	key = store SUBSEP q
	if (!(key in seen)) { seen[key] = 1; order[++nk] = key }
	if (!(size in sizeSeen)) { sizeSeen[size] = 1; sizes[++ns] = size }
	mean[key, size] = v["ns/op"] / 1e6
	row[++nr] = sprintf("%-7s %-5s %-28s %10.2f %9.2f %9.2f %12d %10d %9.1f %9s", store, size, q, v["ns/op"] / 1e6,
		v["p50-ms"], v["p99-ms"], v["B/op"], v["allocs/op"], v["peakRSS-MiB"],
		("serverPeakRSS-MiB" in v) ? sprintf("%.1f", v["serverPeakRSS-MiB"]) : "-")
	delete v
}
/^ *--- (FAIL|SKIP): BenchmarkQueries\/[^\/]+\/[^\/]+\/./ {
	name = $3
	sub(/^BenchmarkQueries\//, "", name)
	n = split(name, p, "/")
	q = p[3]
	for (i = 4; i <= n; i++) q = q "/" p[i]
	row[++nr] = sprintf("%-7s %-5s %-28s %10s", p[1], p[2], q, $2 == "FAIL:" ? "FAILED" : "SKIPPED")
}
END {
	printf "%-7s %-5s %-28s %10s %9s %9s %12s %10s %9s %9s\n", "store", "size", "query", "mean-ms", "p50-ms", "p99-ms", "B/op", "allocs/op", "RSS-MiB", "srvRSS"
	for (i = 1; i <= nr; i++) print row[i]
	if (ns < 2) exit
	print ""
	printf "%-7s %-28s %12s %12s %8s\n", "store", "query", sizes[1] "-ms", sizes[ns] "-ms", "growth"
	for (i = 1; i <= nk; i++) {
		split(order[i], k, SUBSEP)
		a = mean[order[i], sizes[1]]; b = mean[order[i], sizes[ns]]
		if (a == "" || b == "") {
			printf "%-7s %-28s %12s %12s %8s\n", k[1], k[2], a == "" ? "-" : sprintf("%.2f", a), b == "" ? "-" : sprintf("%.2f", b), "-"
			continue
		}
		printf "%-7s %-28s %12.2f %12.2f %7.1fx\n", k[1], k[2], a, b, b / a
	}
}' "$out"
echo
echo "== answers (size and digest of each answer; both stores must give the same) =="
awk '
/ QUERY / {
	for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
	key = f["size"] " " f["query"]
	if (!(key in seen)) { seen[key] = 1; order[++n] = key }
	ans[key] = ans[key] sprintf(" %s:%s/%s", f["store"], f["answer"], f["digest"])
	d[key, f["store"]] = f["digest"]
	if (!((key, "first") in d)) d[key, "first"] = f["digest"]
	else if (d[key, "first"] != f["digest"]) diff[key] = 1
	stores[key]++
}
END {
	for (i = 1; i <= n; i++) {
		k = order[i]
		verdict = stores[k] < 2 ? "" : (k in diff ? "  DIFFERENT" : "  same")
		printf "%-40s%s%s\n", k, ans[k], verdict
	}
}' "$out"
if [[ $status -ne 0 ]]; then
	echo "bench.sh: go test failed (exit $status); see above." >&2
fi
exit "$status"
