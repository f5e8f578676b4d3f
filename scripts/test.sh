#!/usr/bin/env bash
# The one test command (make test): installs what is missing, starts Azurite and Neo4j when
# they are not already up, runs vet, a gofmt check and all Go tests, and stops what it started.
#
# Steps run in the order of STEPS below; to add one (e.g. IaC tools, a browser), write a
# step_<name> function and list it. Environment:
#   TEST_PKGS      packages for go test (default ./...)
#   GOTESTFLAGS    extra go test flags (appended; e.g. "-run Neo4j -v")
#   RACE=0         run go test without -race (default: -race everywhere)
#   TEST_STEPS     run only these steps, e.g. "env services go_test"
#   KEEP_SERVICES=1  leave the services this run started running afterwards
#   IAC_TOOLS=0    do not build OpenTofu + providers (make iac-tools); their tests then skip
#   PYTHON_SDK=0   skip the Python SDK conformance suite (sim/conformance)
#   NEO4J_URI/NEO4J_USER/NEO4J_PASSWORD  use another Neo4j 5 (not started here unless local)
#   ATG_TEST_STORAGE  use another storage account instead of Azurite (Azurite is not started)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

STEPS=(tools env install iac_tools services vet fmt python_sdk go_test)

# --- service lifecycle: stop only what this run started ---------------------------------
STARTED=()
stop_started() {
	local rc=$? s
	trap - EXIT INT TERM
	for s in "${STARTED[@]}"; do
		if [ "${KEEP_SERVICES:-0}" = 1 ]; then
			log "leaving $s running (KEEP_SERVICES=1); stop it with make $s-down"
		else
			"./scripts/$s.sh" down || rc=1
		fi
	done
	exit "$rc"
}
trap stop_started EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_service() { # start_service NAME: start unless already up, and remember it
	local name=$1
	if "./scripts/$name.sh" status >/dev/null 2>&1; then
		log "$name is already up; leaving it as it is"
		return 0
	fi
	STARTED+=("$name") # before `up`, so a half-started service is stopped too
	"./scripts/$name.sh" up
}

neo4j_is_local() {
	case "$NEO4J_URI" in
	bolt://127.0.0.1:"$NEO4J_BOLT_PORT" | bolt://localhost:"$NEO4J_BOLT_PORT" | \
		neo4j://127.0.0.1:"$NEO4J_BOLT_PORT" | neo4j://localhost:"$NEO4J_BOLT_PORT") return 0 ;;
	*) return 1 ;;
	esac
}

# --- steps ----------------------------------------------------------------------------
step_tools() {
	need go git
	log "$(go version)"
}

step_env() {
	export NEO4J_BOLT_PORT=${NEO4J_BOLT_PORT:-7687}
	export NEO4J_URI=${NEO4J_URI:-bolt://127.0.0.1:$NEO4J_BOLT_PORT}
	export NEO4J_USER=${NEO4J_USER:-neo4j}
	export NEO4J_PASSWORD=${NEO4J_PASSWORD:-atg-local-dev}
	# Tests must never reach a real storage account by accident: Azurite unless ATG_TEST_STORAGE.
	export AzureWebJobsStorage=${ATG_TEST_STORAGE:-$AZURITE_CONNECTION_STRING}
	log "NEO4J_URI=$NEO4J_URI NEO4J_USER=$NEO4J_USER AzureWebJobsStorage=${AzureWebJobsStorage%%AccountKey=*}..."
}

step_install() { # npm Azurite and the Maven-built Neo4j launcher, in parallel; no-ops when current
	local az_pid=""
	if [ -z "${ATG_TEST_STORAGE:-}" ]; then
		./scripts/azurite.sh install &
		az_pid=$!
	fi
	if neo4j_is_local; then ./scripts/neo4j.sh build; fi
	if [ -n "$az_pid" ]; then wait "$az_pid"; fi
}

step_iac_tools() { # OpenTofu + azurerm + azapi from Go modules, for the real `tofu validate` tests
	if [ "${IAC_TOOLS:-1}" = 0 ]; then
		log "IAC_TOOLS=0: not building the Terraform tools (their tests skip; under CI they fail)"
		return 0
	fi
	# ~21 min cold on 2 cores, about a minute with warm Go caches; nothing when already built.
	nice -n 5 ./scripts/iac-tools.sh
}

step_python_sdk() { # Microsoft's Python SDKs against `atg sim serve` (sim/conformance, pytest)
	if [ "${PYTHON_SDK:-1}" = 0 ]; then
		log "PYTHON_SDK=0: not running the Python SDK conformance suite"
		return 0
	fi
	local req=sim/conformance/requirements.txt venv
	venv=.tools/pysdk-$(sha256sum "$req" | cut -c1-12) # pinned versions: a new list, a new venv
	if [ ! -f "$venv/.installed" ]; then
		rm -rf "$venv"
		log "installing the Python SDK suite into $venv"
		if ! { command -v python3 >/dev/null && python3 -m venv "$venv" &&
			"$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$req"; }; then
			rm -rf "$venv"
			if [ "${CI:-}" = true ]; then
				log "cannot install the Python SDK suite (python3 -m venv, pip install -r $req)"
				return 1
			fi
			log "warning: cannot install the Python SDK suite (python3 -m venv, pip); skipping it (CI fails here)"
			return 0
		fi
		touch "$venv/.installed"
	fi
	go build -o .tools/atg-conformance .
	PYTHONDONTWRITEBYTECODE=1 ATG_BIN="$PWD/.tools/atg-conformance" "$venv/bin/python" -m pytest -p no:cacheprovider sim/conformance
}

step_services() {
	if [ -z "${ATG_TEST_STORAGE:-}" ]; then
		start_service azurite
	else
		log "ATG_TEST_STORAGE is set: not starting Azurite"
	fi
	if neo4j_is_local; then
		start_service neo4j
	else
		log "NEO4J_URI=$NEO4J_URI is not the local launcher: not starting Neo4j"
	fi
}

# go vet, then staticcheck (pinned, installed into .tools/bin from the module proxy; its config
# is staticcheck.conf, sim/ quotes Azure's own error messages verbatim).
STATICCHECK_VERSION=v0.8.2
# shellcheck disable=SC2086
step_vet() {
	go vet ${TEST_PKGS:-./...}
	local sc="$TOOLS_DIR/bin/staticcheck-$STATICCHECK_VERSION"
	if [ ! -x "$sc" ]; then
		mkdir -p "$TOOLS_DIR/bin"
		GOBIN="$TOOLS_DIR/bin/.sc-$$" GOFLAGS= go install "honnef.co/go/tools/cmd/staticcheck@$STATICCHECK_VERSION"
		mv "$TOOLS_DIR/bin/.sc-$$/staticcheck" "$sc" && rm -rf "$TOOLS_DIR/bin/.sc-$$"
	fi
	"$sc" ${TEST_PKGS:-./...}
}

step_fmt() {
	local files unformatted
	files=$(git ls-files --cached --others --exclude-standard '*.go')
	[ -n "$files" ] || return 0
	# shellcheck disable=SC2086
	unformatted=$(gofmt -l $files)
	if [ -n "$unformatted" ]; then
		log "gofmt needed (run make fmt):"
		printf '%s\n' "$unformatted" >&2
		return 1
	fi
}

step_go_test() {
	local flags=(-count=1 -timeout "${GO_TEST_TIMEOUT:-30m}")
	if [ "${RACE:-1}" = 1 ]; then
		if [ "$(go env CGO_ENABLED)" = 1 ] && command -v "$(go env CC)" >/dev/null 2>&1; then
			flags+=(-race)
		else
			log "warning: -race needs cgo and a C compiler; running without it"
		fi
	fi
	# shellcheck disable=SC2086 # TEST_PKGS and GOTESTFLAGS are word lists
	go test "${flags[@]}" ${GOTESTFLAGS:-} ${TEST_PKGS:-./...}
}

# --- run ------------------------------------------------------------------------------
if [ -n "${TEST_STEPS:-}" ]; then read -r -a STEPS <<<"$TEST_STEPS"; fi
t_all=$(now_ms)
for step in "${STEPS[@]}"; do
	t0=$(now_ms)
	log "== $step"
	"step_$step"
	log "== $step done in $(($(now_ms) - t0)) ms"
done
log "all steps passed in $(($(now_ms) - t_all)) ms"
