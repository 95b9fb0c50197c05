// Package reliability holds emnkg's reliability tooling: a GraphQL client
// limited to loopback servers, a ledger of acknowledged writes and its
// verification, control of emnkg server processes (build, start, kill -9,
// restart), and a checksum of a store's nodes. Its tests check that no
// acknowledged write is lost when the server is killed and that hostile
// requests change nothing; cmd/emnkg-load is the load generator the
// scripts under scripts/load and scripts/faults run.
//
// Everything here talks to 127.0.0.1 (or another loopback address) only.
package reliability
