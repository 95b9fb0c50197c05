#!/usr/bin/env bash
# GraphQL-over-HTTP compliance: installs the graphql-http audit suite from
# the lockfile (npm ci), starts emnkg on a free loopback port with a
# temporary embedded store, runs every server audit, prints a table of the
# MUST/SHOULD/MAY results and fails on any MUST failure.
# Extra arguments go to audit.mjs (e.g. --url http://host:port/graphql to
# audit a running server, --json results.json).
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	if [[ "${CI:-}" == "true" ]]; then
		echo "audit: FAILURE: node and npm are needed for the GraphQL-over-HTTP audit" >&2
		exit 1
	fi
	echo "audit: SKIPPED: node and npm are not installed; the GraphQL-over-HTTP audit did not run" >&2
	exit 0
fi

npm ci --no-audit --no-fund --loglevel=error
node audit.mjs "$@"
