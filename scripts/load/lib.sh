# shellcheck shell=bash
# Helpers of the load and fault scripts (scripts/load, scripts/faults):
# building the tools, starting emnkg servers on 127.0.0.1 and stopping
# them, and a Neo4j on a fixed loopback port. Source it; it needs $root
# (the repository) and $work (a scratch directory) set.

# note prints a progress line on stderr.
note() { echo "$(basename "$0"): $*" >&2; }

# die prints an error and exits.
die() {
	note "FAILURE: $*"
	exit 1
}

# now_ms prints the time in milliseconds.
now_ms() { date +%s%3N; }

# build_tools builds emnkg and emnkg-load into $work/bin (once per $work).
build_tools() {
	if [[ -x $work/bin/emnkg && -x $work/bin/emnkg-load ]]; then
		return
	fi
	note "building emnkg and emnkg-load..."
	mkdir -p "$work/bin"
	(cd "$root" && go build -o "$work/bin/emnkg" ./cmd/emnkg &&
		go build -o "$work/bin/emnkg-load" ./internal/reliability/cmd/emnkg-load) || die "go build failed"
}

# free_port prints a loopback TCP port nobody listens on.
free_port() {
	local port i
	for ((i = 0; i < 100; i++)); do
		port=$((20000 + RANDOM % 20000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return
		fi
	done
	die "no free port found"
}

# create_key <name> <store flags...>: prints a new editor API key.
create_key() {
	local name=$1
	shift
	"$work/bin/emnkg" apikey create --role editor --name "$name" --log-level warn "$@" |
		awk '/^Secret/ {print $2}'
}

# start_server <name> <addr> <store flags...>: starts emnkg serve on addr
# (127.0.0.1:<port>), writes its pid to $work/<name>.pid, logs to
# $work/<name>.log, and waits until /readyz answers (at most 120 s).
start_server() {
	local name=$1 addr=$2 i
	shift 2
	[[ $addr == 127.0.0.1:* ]] || die "servers listen on 127.0.0.1 only, not $addr"
	"$work/bin/emnkg" serve --addr "$addr" --log-format json --log-level warn "$@" \
		>>"$work/$name.log" 2>&1 &
	echo $! >"$work/$name.pid"
	for ((i = 0; i < 2400; i++)); do
		if curl -fsS -o /dev/null "http://$addr/readyz" 2>/dev/null; then
			return 0
		fi
		if ! kill -0 "$(<"$work/$name.pid")" 2>/dev/null; then
			tail -n 20 "$work/$name.log" >&2
			die "emnkg serve ($name) exited while starting"
		fi
		sleep 0.05
	done
	die "emnkg serve ($name) was not ready within 120 s"
}

# stop_server <name>: SIGTERM, then waits (kills after 30 s); sets
# stopped_status to the exit status. Call it in the shell that started
# the server (not in $(...)).
stop_server() {
	local name=$1 pid i
	pid=$(<"$work/$name.pid")
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 300; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		note "emnkg serve ($name) did not stop within 30 s: killing it"
		kill -KILL "$pid" 2>/dev/null || true
	fi
	stopped_status=0
	wait "$pid" 2>/dev/null || stopped_status=$?
}

# kill9_server <name>: kill -9 and reap.
kill9_server() {
	local name=$1 pid
	pid=$(<"$work/$name.pid")
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

# ready <addr>: whether /readyz answers 200.
ready() { curl -fsS -m 5 -o /dev/null "http://$1/readyz" 2>/dev/null; }

# neo4j_start <dir> <port>: starts (or finds running) Neo4j in dir on the
# loopback port, printing its Bolt URI. Needs Java 17 and Maven.
neo4j_start() {
	EMNKG_NEO4J_PORT=$2 bash "$root/scripts/neo4j.sh" start "$1"
}

# neo4j_stop <dir>
neo4j_stop() { bash "$root/scripts/neo4j.sh" stop "$1" >/dev/null; }

# have_neo4j: whether Java and Maven can run scripts/neo4j.sh.
have_neo4j() { command -v java >/dev/null 2>&1 && command -v mvn >/dev/null 2>&1; }

# json <file> <jq filter>: one value from a JSON file.
json() { jq -r "$2" "$1"; }
