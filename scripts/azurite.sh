#!/usr/bin/env bash
# Azurite (Azure Storage emulator: Blob 10000, Queue 10001, Table 10002 on 127.0.0.1) for
# development and tests, installed project-locally with npm into .tools/azurite.
#
#   scripts/azurite.sh install   npm install azurite@$AZURITE_VERSION (skipped when present)
#   scripts/azurite.sh up        install if needed, start in the background, wait for the ports
#   scripts/azurite.sh down      SIGTERM and wait
#   scripts/azurite.sh status    exit 0 when up
#
# Data lives in memory (fresh on every start) unless AZURITE_LOCATION names a folder, e.g.
# AZURITE_LOCATION=.data/azurite. Log: .data/azurite.log; pid file: .data/azurite.pid.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# 3.35.0 is the newest that runs on Node 20 (3.36+ declares Node >= 21).
AZURITE_VERSION=${AZURITE_VERSION:-3.35.0}
INSTALL_DIR=$TOOLS_DIR/azurite
BIN=$INSTALL_DIR/node_modules/.bin/azurite
HOST=127.0.0.1
# Other ports (AZURITE_BLOB_PORT, ...) need a matching connection string (ATG_TEST_STORAGE).
PORTS=("${AZURITE_BLOB_PORT:-10000}" "${AZURITE_QUEUE_PORT:-10001}" "${AZURITE_TABLE_PORT:-10002}")
PIDFILE=$DATA_DIR/azurite.pid
LOGFILE=$DATA_DIR/azurite.log

installed_version() {
	sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$INSTALL_DIR/node_modules/azurite/package.json" 2>/dev/null | head -n1
}

install() {
	if [ -x "$BIN" ] && [ "$(installed_version)" = "$AZURITE_VERSION" ]; then
		return 0
	fi
	need node npm
	log "installing azurite@$AZURITE_VERSION into $INSTALL_DIR (npm)"
	local t0
	t0=$(now_ms)
	mkdir -p "$INSTALL_DIR"
	[ -f "$INSTALL_DIR/package.json" ] || echo '{"name":"atg-tools-azurite","private":true}' >"$INSTALL_DIR/package.json"
	npm install --prefix "$INSTALL_DIR" --no-audit --no-fund --loglevel=error --save-exact "azurite@$AZURITE_VERSION" >&2 ||
		die "npm install azurite@$AZURITE_VERSION failed"
	log "installed azurite $(installed_version) in $(($(now_ms) - t0)) ms"
}

all_ports_open() {
	local p
	for p in "${PORTS[@]}"; do port_open "$HOST" "$p" || return 1; done
}
any_port_open() {
	local p
	for p in "${PORTS[@]}"; do port_open "$HOST" "$p" && return 0; done
	return 1
}

up() {
	if pid_alive "$PIDFILE"; then
		WAIT_PIDFILE=$PIDFILE wait_until 60 "Azurite ports ${PORTS[*]}" all_ports_open ||
			die "Azurite (pid $(cat "$PIDFILE")) does not listen; see $LOGFILE"
		log "already up (pid $(cat "$PIDFILE"))"
		return 0
	fi
	if all_ports_open; then
		log "something not started by this script already listens on $HOST:${PORTS[*]}; using it"
		return 0
	fi
	if any_port_open; then
		die "some of the ports $HOST:${PORTS[*]} are taken by another process"
	fi
	install
	local storage=(--inMemoryPersistence --extentMemoryLimit "${AZURITE_MEMORY_MB:-1024}")
	if [ -n "${AZURITE_LOCATION:-}" ]; then
		mkdir -p "$AZURITE_LOCATION"
		storage=(--location "$AZURITE_LOCATION")
	fi
	: >"$LOGFILE"
	local t0
	t0=$(now_ms)
	log "starting Azurite $(installed_version) on $HOST:${PORTS[*]} (${storage[*]}, log $LOGFILE)"
	start_bg "$PIDFILE" "$LOGFILE" "$BIN" --silent --disableTelemetry --skipApiVersionCheck \
		"${storage[@]}" \
		--blobHost "$HOST" --blobPort "${PORTS[0]}" \
		--queueHost "$HOST" --queuePort "${PORTS[1]}" \
		--tableHost "$HOST" --tablePort "${PORTS[2]}"
	if ! WAIT_PIDFILE=$PIDFILE wait_until "${AZURITE_START_TIMEOUT:-60}" "Azurite ports ${PORTS[*]}" all_ports_open; then
		tail -n 40 "$LOGFILE" >&2 || true
		stop_pidfile "$PIDFILE" azurite 10
		die "Azurite did not start; log in $LOGFILE"
	fi
	log "up in $(($(now_ms) - t0)) ms (pid $(cat "$PIDFILE"))"
}

down() { stop_pidfile "$PIDFILE" azurite "${AZURITE_STOP_TIMEOUT:-20}"; }

status() {
	if pid_alive "$PIDFILE" && all_ports_open; then
		echo "azurite: up (pid $(cat "$PIDFILE"), $HOST:${PORTS[*]})"
	elif all_ports_open; then
		echo "azurite: up (external, $HOST:${PORTS[*]})"
	else
		echo "azurite: down"
		return 1
	fi
}

case "${1:-}" in
install) with_lock azurite install ;;
up) with_lock azurite up ;;
down) with_lock azurite down ;;
status) status ;;
*)
	echo "usage: $0 install|up|down|status" >&2
	exit 2
	;;
esac
