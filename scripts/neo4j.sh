#!/usr/bin/env bash
# Starts and stops a real Neo4j Community server (5.26 LTS by default, embedded
# in a JVM with the Bolt connector) for emnkg's tests. Only Java 17+ (21+ for
# the 2025.01-on releases) and Maven are needed: the first start of a version
# downloads it from Maven Central into ~/.m2 and caches a classpath under
# scripts/neo4j/target/<version>; later starts reuse both.
#
# Usage:
#   scripts/neo4j.sh start <workdir>   start (or find running) Neo4j; prints
#                                      its Bolt URI as the only stdout line
#   scripts/neo4j.sh stop <workdir>    stop it and wait until it has exited
#   scripts/neo4j.sh status <workdir>  print the Bolt URI if it is running
#
# The server listens on 127.0.0.1 only, on a free port, with authentication
# DISABLED (any user name and password are accepted) unless
# EMNKG_NEO4J_PASSWORD is set. Data, Neo4j's own logs
# (logs/debug.log), the JVM output (neo4j.log), the pid (neo4j.pid) and the
# URI (neo4j.uri) live in <workdir>.
#
# Environment:
#   EMNKG_NEO4J_PORT           Bolt port (default: a free one)
#   EMNKG_NEO4J_HEAP           JVM heap (default: 1g)
#   EMNKG_NEO4J_PAGECACHE_MIB  page cache in MiB (default: 64)
#   EMNKG_NEO4J_JAVA_OPTS      more JVM options (split at spaces)
#   EMNKG_NEO4J_START_TIMEOUT  seconds to wait for Bolt (default: 180)
#   EMNKG_NEO4J_PASSWORD       enable authentication: user neo4j gets this
#                              password (8 characters or more)
#   EMNKG_NEO4J_VERSION        the Neo4j Community version (default: 5.26.30;
#                              "current" stands for $current_version, the
#                              newest release emnkg is tested with)
#   JAVA_HOME                  Java to use (default: java on PATH; for the
#                              2025.01-on releases, which need Java 21 or
#                              newer, the first JDK 21+ of JAVA_HOME, PATH
#                              and /usr/lib/jvm)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
project=$here/neo4j
lts_version=5.26.30
current_version=2026.08.1
version=${EMNKG_NEO4J_VERSION:-$lts_version}
if [[ $version == current ]]; then
	version=$current_version
fi
if [[ ! $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
	echo "neo4j.sh: error: EMNKG_NEO4J_VERSION must look like 5.26.30 or 2026.08.1 (or be \"current\"), not '$version'." >&2
	exit 2
fi
# The calendar-versioned releases (2025.01 on) need Java 21.
java_min=17
if ((${version%%.*} >= 2025)); then
	java_min=21
fi
target=$project/target/$version
main_class=org.emnkg.testneo4j.TestNeo4j

die() {
	echo "neo4j.sh: error: $*" >&2
	exit 1
}

note() {
	echo "neo4j.sh: $*" >&2
}

usage() {
	echo "usage: $0 start|stop|status <workdir>" >&2
	exit 2
}

# java_major prints the major version of the java binary $1, or nothing.
java_major() {
	local version major
	version=$("$1" -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -n 1)
	major=${version%%.*}
	if [[ $major == 1 ]]; then
		major=$(echo "$version" | cut -d. -f2)
	fi
	if [[ $major =~ ^[0-9]+$ ]]; then
		echo "$major"
	fi
}

# find_java sets java (and JAVA_HOME, for Maven) to a usable Java for the
# Neo4j version, or fails: JAVA_HOME's, else the one on PATH, else (when
# those are too old) the newest JDK under /usr/lib/jvm that is new enough.
find_java() {
	local candidates=() c major best="" best_major=0
	if [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]]; then
		candidates+=("$JAVA_HOME/bin/java")
	fi
	if command -v java >/dev/null 2>&1; then
		candidates+=("$(command -v java)")
	fi
	for c in "${candidates[@]}"; do
		major=$(java_major "$c")
		if [[ -n $major ]] && ((major >= java_min)); then
			best=$c best_major=$major
			break
		fi
	done
	if [[ -z $best ]]; then
		for c in /usr/lib/jvm/*/bin/java; do
			[[ -x $c && -x ${c%/java}/javac ]] || continue
			major=$(java_major "$c")
			if [[ -n $major ]] && ((major >= java_min && major > best_major)); then
				best=$c best_major=$major
			fi
		done
	fi
	if [[ -z $best ]]; then
		die "no Java $java_min or newer found (JAVA_HOME, PATH, /usr/lib/jvm): Neo4j $version needs one. Install a JDK (e.g. apt-get install openjdk-17-jdk-headless for 5.26) or set JAVA_HOME."
	fi
	java=$best
	# Maven compiles the launcher with this Java too.
	JAVA_HOME=$(cd "$(dirname "$(readlink -f "$java")")/.." && pwd)
	export JAVA_HOME
	if ((java_min == 17 && best_major != 17 && best_major != 21)); then
		note "warning: $java is Java $best_major; Neo4j 5.26 supports Java 17 and 21 only."
	fi
}

# build compiles the launcher and writes its classpath, once: it does nothing
# while target/ is newer than the sources.
build() {
	local cpfile=$target/classpath.txt
	local class=$target/classes/org/emnkg/testneo4j/TestNeo4j.class
	local src=$project/src/main/java/org/emnkg/testneo4j/TestNeo4j.java
	uptodate() {
		[[ -s $cpfile && -f $class && $cpfile -nt $project/pom.xml && $class -nt $src ]]
	}
	if uptodate; then
		return
	fi
	command -v mvn >/dev/null 2>&1 ||
		die "mvn not found. The first start builds the Neo4j launcher with Maven 3.8+ (e.g. apt-get install maven)."
	command -v javac >/dev/null 2>&1 || [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/javac ]] ||
		die "javac not found. Building the launcher needs a JDK 17, not only a JRE."
	mkdir -p "$target"
	# Two starts at once must not build into the same target/ together.
	exec 9>"$target/.build.lock"
	if command -v flock >/dev/null 2>&1; then
		flock 9
	fi
	if ! uptodate; then
		note "building the Neo4j $version launcher (the first time this downloads Neo4j into ~/.m2)..."
		rm -f "$cpfile"
		# Maven 3.8 prints colour resets even with -B: strip them; on Java
		# 24+ its own libraries make the JVM warn about sun.misc.Unsafe.
		if ! (cd "$project" && mvn -q -B -Dstyle.color=never -Dneo4j.version="$version" \
			-Dmaven.compiler.release="$java_min" compile dependency:build-classpath \
			-Dmdep.outputFile="$target/classpath.txt.tmp" 2>&1 |
			sed -e 's/\x1b\[[0-9;]*m//g' -e '/^WARNING: .*sun\.misc\.Unsafe/d' -e '/^WARNING: Please consider reporting/d' >&2); then
			die "Maven could not build scripts/neo4j (see above). Maven Central must be reachable the first time."
		fi
		mv "$target/classpath.txt.tmp" "$cpfile"
	fi
	exec 9>&-
}

# bolt_answers succeeds when a Bolt server answers a handshake at host:port.
bolt_answers() {
	timeout 5 bash -c '
		exec 3<>"/dev/tcp/$1/$2" || exit 1
		# Magic preamble, then versions 5.8 down to 5.0, 4.4, none, none.
		printf "\x60\x60\xb0\x17\x00\x08\x08\x05\x00\x00\x04\x04\x00\x00\x00\x00\x00\x00\x00\x00" >&3
		reply=$(head -c 4 <&3 | od -An -tx1 | tr -d " \n")
		[[ -n $reply && $reply != 00000000 ]]
	' bolt_answers "$1" "$2" 2>/dev/null
}

# uri_answers succeeds when the bolt://host:port URI in $1 answers.
uri_answers() {
	local hostport=${1#bolt://}
	bolt_answers "${hostport%:*}" "${hostport##*:}"
}

# running_pid prints the pid of the launcher running for the workdir, if any.
running_pid() {
	local pidfile=$1/neo4j.pid pid
	[[ -s $pidfile ]] || return 1
	pid=$(<"$pidfile")
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	kill -0 "$pid" 2>/dev/null || return 1
	# Guard against a recycled pid: it must be our JVM.
	if [[ -r /proc/$pid/cmdline ]] && ! tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "$main_class"; then
		return 1
	fi
	echo "$pid"
}

show_logs() {
	local workdir=$1
	if [[ -f $workdir/neo4j.log ]]; then
		echo "----- last lines of $workdir/neo4j.log -----" >&2
		tail -n 60 "$workdir/neo4j.log" >&2
	fi
	if [[ -f $workdir/logs/debug.log ]]; then
		echo "----- last lines of $workdir/logs/debug.log -----" >&2
		tail -n 30 "$workdir/logs/debug.log" >&2
	fi
	echo "-----" >&2
}

stop() {
	local workdir=$1 pid i
	if ! pid=$(running_pid "$workdir"); then
		note "Neo4j is not running in $workdir."
		rm -f "$workdir/neo4j.pid" "$workdir/neo4j.uri"
		return 0
	fi
	note "stopping Neo4j (pid $pid)..."
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 600; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		note "warning: Neo4j did not stop within 60 s; killing it."
		kill -KILL "$pid" 2>/dev/null || true
		while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
	fi
	rm -f "$workdir/neo4j.pid" "$workdir/neo4j.uri"
	note "Neo4j stopped."
}

start() {
	local workdir=$1 pid uri
	mkdir -p "$workdir"
	workdir=$(cd "$workdir" && pwd)
	if pid=$(running_pid "$workdir"); then
		if [[ -s $workdir/neo4j.uri ]] && uri=$(<"$workdir/neo4j.uri") && uri_answers "$uri"; then
			note "Neo4j is already running in $workdir (pid $pid)."
			echo "$uri"
			return 0
		fi
		die "a Neo4j (pid $pid) is starting or hung in $workdir; run: $0 stop $workdir"
	fi
	rm -f "$workdir/neo4j.pid" "$workdir/neo4j.uri"

	find_java
	build
	local classpath
	classpath=$target/classes:$(<"$target/classpath.txt")

	note "starting Neo4j $version in $workdir (log: $workdir/neo4j.log)..."
	{
		echo "=== $(date -u +%Y-%m-%dT%H:%M:%SZ) neo4j.sh start"
	} >>"$workdir/neo4j.log"
	# Test runs are short: the C1 compiler alone and the serial collector
	# halve the CPU a start plus a test run costs on a small machine.
	# The JVM must not inherit our stdout: callers read it until EOF.
	# shellcheck disable=SC2086 # EMNKG_NEO4J_JAVA_OPTS holds several options.
	"$java" -Xms256m -Xmx"${EMNKG_NEO4J_HEAP:-1g}" -XX:+ExitOnOutOfMemoryError \
		-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-OmitStackTraceInFastThrow -Xss2m \
		--add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
		--add-opens=java.base/sun.nio.ch=ALL-UNNAMED -Dio.netty.tryReflectionSetAccessible=true \
		-Djdk.nio.maxCachedBufferSize=1024 -Dlog4j2.disable.jmx=true \
		-Demnkg.neo4j.pagecacheMiB="${EMNKG_NEO4J_PAGECACHE_MIB:-64}" \
		${EMNKG_NEO4J_JAVA_OPTS:-} -cp "$classpath" "$main_class" "$workdir" "${EMNKG_NEO4J_PORT:-0}" \
		</dev/null >>"$workdir/neo4j.log" 2>&1 &
	pid=$!
	echo "$pid" >"$workdir/neo4j.pid"

	local timeout=${EMNKG_NEO4J_START_TIMEOUT:-180} started=$SECONDS
	while ((SECONDS - started < timeout)); do
		if ! kill -0 "$pid" 2>/dev/null; then
			show_logs "$workdir"
			rm -f "$workdir/neo4j.pid"
			die "Neo4j exited while starting (see the log above)."
		fi
		if [[ -s $workdir/neo4j.uri ]]; then
			uri=$(<"$workdir/neo4j.uri")
			if uri_answers "$uri"; then
				note "Neo4j is ready at $uri (pid $pid, $((SECONDS - started)) s)."
				echo "$uri"
				return 0
			fi
		fi
		sleep 0.5
	done
	show_logs "$workdir"
	stop "$workdir" || true
	die "Neo4j did not answer on Bolt within $timeout s (see the log above)."
}

status() {
	local workdir=$1 pid
	if pid=$(running_pid "$workdir") && [[ -s $workdir/neo4j.uri ]]; then
		cat "$workdir/neo4j.uri"
		return 0
	fi
	note "Neo4j is not running in $workdir."
	return 1
}

[[ $# -eq 2 ]] || usage
case $1 in
start) start "$2" ;;
stop) stop "$2" ;;
status) status "$2" ;;
*) usage ;;
esac
