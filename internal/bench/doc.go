// Package bench holds the query benchmarks of emnkg's two stores (the
// embedded SQLite store and Neo4j) on synthetic graphs of 10k and 100k
// nodes (1M with EMNKG_BENCH_1M=1) made by internal/synth. It has no code
// besides its benchmarks; run them with scripts/bench.sh, and see
// docs/benchmarks.md for the figures.
package bench
