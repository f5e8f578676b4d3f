#!/usr/bin/env bash
# Real Neo4j 5 Community for development and tests: an embedded-DBMS launcher (tools/neo4j) built
# with Maven from Maven Central, serving Bolt on 127.0.0.1:$NEO4J_BOLT_PORT with auth on.
#
#   scripts/neo4j.sh build    build the launcher into .tools/neo4j-<version>/ (skipped when current)
#   scripts/neo4j.sh up       build if needed, start in the background, wait for a Bolt handshake
#   scripts/neo4j.sh down     SIGTERM and wait (clean shutdown)
#   scripts/neo4j.sh status   exit 0 when up
#
# Env: NEO4J_BOLT_PORT (7687), NEO4J_PASSWORD (atg-local-dev), NEO4J_HEAP (1g),
# NEO4J_PAGECACHE_MB (256), NEO4J_START_TIMEOUT (180 s). Data: .data/neo4j; log: .data/neo4j.log.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

SRC_DIR=$ROOT/tools/neo4j
NEO4J_VERSION=$(sed -n 's:.*<neo4j.version>\(.*\)</neo4j.version>.*:\1:p' "$SRC_DIR/pom.xml")
INSTALL_DIR=$TOOLS_DIR/neo4j-$NEO4J_VERSION
JAR=$INSTALL_DIR/atg-neo4j-launcher.jar
HOST=127.0.0.1
PORT=${NEO4J_BOLT_PORT:-7687}
PIDFILE=$DATA_DIR/neo4j.pid
LOGFILE=$DATA_DIR/neo4j.log
HOME_DIR=$DATA_DIR/neo4j

# The build is current when the stamp holds the hash of the launcher's sources.
source_hash() { cat "$SRC_DIR/pom.xml" "$SRC_DIR"/src/main/java/atg/neo4j/*.java | sha256sum | cut -d' ' -f1; }

build() {
	local want
	want=$(source_hash)
	if [ -f "$JAR" ] && [ "$(cat "$INSTALL_DIR/.stamp" 2>/dev/null)" = "$want" ]; then
		return 0
	fi
	need java mvn
	log "building Neo4j $NEO4J_VERSION launcher with Maven (dependencies cached in ~/.m2)"
	local t0
	t0=$(now_ms)
	# -q keeps the log short; Maven still prints errors. MAVEN_ARGS may add e.g. -o (offline).
	# shellcheck disable=SC2086
	# (sed drops the colour resets Maven 3.8 prints even in batch mode.)
	mvn -B -q -Dstyle.color=never -f "$SRC_DIR/pom.xml" ${MAVEN_ARGS:-} package -DskipTests 2>&1 |
		sed 's/\x1b\[[0-9;]*m//g' >&2 ||
		die "Maven could not build tools/neo4j (see the errors above)"
	rm -rf "$INSTALL_DIR.tmp"
	mkdir -p "$INSTALL_DIR.tmp"
	cp "$SRC_DIR/target/atg-neo4j-launcher.jar" "$INSTALL_DIR.tmp/"
	cp -r "$SRC_DIR/target/lib" "$INSTALL_DIR.tmp/lib"
	echo "$want" >"$INSTALL_DIR.tmp/.stamp"
	rm -rf "$INSTALL_DIR"
	mv "$INSTALL_DIR.tmp" "$INSTALL_DIR"
	log "built $JAR in $(($(now_ms) - t0)) ms"
}

# bolt_handshake: send the Bolt magic 60 60 B0 17 and four version proposals (5.8..5.0, 4.4);
# a Bolt server answers with the chosen version, which is never 00 00 00 00.
bolt_handshake() {
	local reply
	reply=$(
		{ exec 3<>"/dev/tcp/$HOST/$PORT"; } 2>/dev/null || exit 1
		printf '\x60\x60\xb0\x17\x00\x08\x08\x05\x00\x00\x04\x04\x00\x00\x00\x00\x00\x00\x00\x00' >&3
		timeout 5 head -c4 <&3 | od -An -tx1 | tr -d ' \n'
	) 2>/dev/null || return 1
	[ -n "$reply" ] && [ "$reply" != "00000000" ]
}

ready_line() { tail -n 50 "$LOGFILE" 2>/dev/null | grep -q '^atg-neo4j: ready'; }
ours_ready() { ready_line && bolt_handshake; }

up() {
	if pid_alive "$PIDFILE"; then
		if bolt_handshake; then
			log "already up (pid $(cat "$PIDFILE"), bolt://$HOST:$PORT)"
			return 0
		fi
		# Started by someone else a moment ago, or hung: wait for it like a fresh start.
		WAIT_PIDFILE=$PIDFILE wait_until "${NEO4J_START_TIMEOUT:-180}" "Neo4j Bolt on $HOST:$PORT" bolt_handshake ||
			die "Neo4j (pid $(cat "$PIDFILE")) does not answer Bolt; see $LOGFILE"
		return 0
	fi
	if port_open "$HOST" "$PORT"; then
		if bolt_handshake; then
			log "a Bolt server not started by this script already listens on $HOST:$PORT; using it"
			return 0
		fi
		die "port $HOST:$PORT is in use by something that does not speak Bolt"
	fi
	build
	need java
	mkdir -p "$HOME_DIR"
	: >"$LOGFILE"
	local t0
	t0=$(now_ms)
	log "starting Neo4j $NEO4J_VERSION on bolt://$HOST:$PORT (data $HOME_DIR, log $LOGFILE)"
	NEO4J_BOLT_PORT=$PORT NEO4J_HOME_DIR=$HOME_DIR NEO4J_BOLT_HOST=$HOST \
		start_bg "$PIDFILE" "$LOGFILE" java \
		"-Xms256m" "-Xmx${NEO4J_HEAP:-1g}" -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError \
		--add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
		--add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \
		-Dio.netty.tryReflectionSetAccessible=true \
		-jar "$JAR"
	if ! WAIT_PIDFILE=$PIDFILE wait_until "${NEO4J_START_TIMEOUT:-180}" "Neo4j ready line and Bolt handshake" ours_ready; then
		tail -n 40 "$LOGFILE" >&2 || true
		stop_pidfile "$PIDFILE" neo4j 30
		die "Neo4j did not start; full log in $LOGFILE, database log in $HOME_DIR/logs/debug.log"
	fi
	log "up in $(($(now_ms) - t0)) ms (pid $(cat "$PIDFILE"), bolt://$HOST:$PORT, user neo4j)"
}

down() { stop_pidfile "$PIDFILE" neo4j "${NEO4J_STOP_TIMEOUT:-60}"; }

status() {
	if pid_alive "$PIDFILE" && bolt_handshake; then
		echo "neo4j: up (pid $(cat "$PIDFILE"), bolt://$HOST:$PORT)"
	elif bolt_handshake; then
		echo "neo4j: up (external Bolt server on $HOST:$PORT)"
	else
		echo "neo4j: down"
		return 1
	fi
}

case "${1:-}" in
build) with_lock neo4j build ;;
up) with_lock neo4j up ;;
down) with_lock neo4j down ;;
status) status ;;
*)
	echo "usage: $0 build|up|down|status" >&2
	exit 2
	;;
esac
