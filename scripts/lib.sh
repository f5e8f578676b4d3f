# Shared helpers for scripts/*.sh (source it; do not run it).
# Paths: project-local, git-ignored .tools/ (installed tools) and .data/ (service data, logs, pid files).

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS_DIR=${ATG_TOOLS_DIR:-$ROOT/.tools}
DATA_DIR=${ATG_DATA_DIR:-$ROOT/.data}

# The well-known Azurite development storage account, spelled out (the Go SDK rejects the
# UseDevelopmentStorage=true shorthand). Same value as config.AzuriteConnectionString.
AZURITE_CONNECTION_STRING="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;"

log() { printf '[%s] %s\n' "$(basename "$0" .sh)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# now_ms prints milliseconds since the epoch (for measured timings).
now_ms() { date +%s%3N; }

need() { # need CMD...: fail with a clear message when a command is missing
	local c
	for c in "$@"; do command -v "$c" >/dev/null 2>&1 || die "'$c' is required but not installed"; done
}

# port_open HOST PORT: true when something accepts TCP connections there.
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# pid_alive PIDFILE: true when the pid file names a live process.
pid_alive() {
	local pid
	[ -f "$1" ] || return 1
	pid=$(cat "$1" 2>/dev/null) || return 1
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# with_lock NAME CMD...: run CMD holding an exclusive lock on .data/NAME.lock, so two
# concurrent `up`/`down` calls (two terminals, parallel make) do not race.
with_lock() {
	local name=$1
	shift
	mkdir -p "$DATA_DIR"
	(
		flock -w 300 9 || die "timed out waiting for $DATA_DIR/$name.lock"
		"$@"
	) 9>"$DATA_DIR/$name.lock"
}

# start_bg PIDFILE LOGFILE CMD...: start CMD detached (own session, stdin closed, lock fds
# closed), appending output to LOGFILE; the process writes its own pid to PIDFILE.
start_bg() {
	local pidfile=$1 logfile=$2
	shift 2
	mkdir -p "$(dirname "$pidfile")" "$(dirname "$logfile")"
	rm -f "$pidfile"
	# shellcheck disable=SC2016 # $$ expands in the child shell, which then execs CMD.
	setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@" </dev/null >>"$logfile" 2>&1 9>&- &
	local i
	for i in $(seq 1 50); do
		[ -s "$pidfile" ] && return 0
		sleep 0.1
	done
	die "process did not start: $*"
}

# stop_pidfile PIDFILE NAME [GRACE_SECONDS]: SIGTERM, wait, then SIGKILL after the grace period.
stop_pidfile() {
	local pidfile=$1 name=$2 grace=${3:-60} pid i
	if ! pid_alive "$pidfile"; then
		rm -f "$pidfile"
		log "$name is not running (no live pid file)"
		return 0
	fi
	pid=$(cat "$pidfile")
	log "stopping $name (pid $pid)"
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < grace * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		log "$name did not stop within ${grace}s; sending SIGKILL"
		kill -KILL "$pid" 2>/dev/null || true
		sleep 0.5
	fi
	rm -f "$pidfile"
	log "$name stopped"
}

# wait_until SECONDS DESCRIPTION CMD...: poll CMD every 0.25 s until it succeeds.
# When WAIT_PIDFILE is set, give up early if that process has died.
wait_until() {
	local secs=$1 what=$2 deadline
	shift 2
	deadline=$(($(date +%s) + secs))
	until "$@"; do
		if [ -n "${WAIT_PIDFILE:-}" ] && ! pid_alive "$WAIT_PIDFILE"; then
			log "process exited while waiting for $what"
			return 1
		fi
		if [ "$(date +%s)" -ge "$deadline" ]; then
			log "timed out after ${secs}s waiting for $what"
			return 1
		fi
		sleep 0.25
	done
}
