# ATG developer entry points. The README's two commands: `make demo` and `make test`.
SHELL := /bin/bash
GO ?= go
BIN := bin/atg
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X github.com/atg-go/atg/internal/buildinfo.Version=$(VERSION)

.PHONY: build demo test test-unit fuzz vet fmt bench azurite-up azurite-down neo4j-up neo4j-down services-up services-down package iac-tools iac-validate iac-coverage restore-drill arm-corpus arm-children arm-spec discover-coverage clean

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) .

## demo: simulate a tenant, scan it into the embedded graph, write spec + IaC
demo: build
	./$(BIN) demo

## test: install what is missing, start Azurite + Neo4j if not up, run all tests, stop what it started
test:
	./scripts/test.sh

## test-unit: tests that need no services
test-unit:
	$(GO) test ./...

## fuzz: explore the spec validator + planner beyond the checked-in seeds (FUZZTIME, default 60s)
fuzz:
	$(GO) test ./engine/replicate -run '^$$' -fuzz FuzzSpec -fuzztime $${FUZZTIME:-60s} -fuzzminimizetime 5s

vet:
	TEST_STEPS=vet ./scripts/test.sh
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1; }

fmt:
	gofmt -w $$(git ls-files '*.go')

bench:
	./scripts/bench.sh

azurite-up:
	./scripts/azurite.sh up
azurite-down:
	./scripts/azurite.sh down

neo4j-up:
	./scripts/neo4j.sh up
neo4j-down:
	./scripts/neo4j.sh down

services-up: azurite-up neo4j-up
services-down: azurite-down neo4j-down

package:
	./scripts/package.sh

iac-tools:
	./scripts/iac-tools.sh

iac-validate:
	./scripts/iac-validate.sh "$(IAC_DIR)"

# Per-namespace coverage of the Terraform generator on testdata/arm-corpus (typed, azapi,
# fallbacks with reasons, tofu validate, azapi body check) and the plan-clean check on a simulated
# tenant of IAC_PLAN_RESOURCES (default 2000; 0 skips; every plan diff with its reason): a table,
# and bin/iac-coverage.json.
IAC_PLAN_RESOURCES ?= 2000
# … and the applied round trip (tofu apply into an empty tenant, re-scan, fidelity) on a
# simulated tenant of IAC_APPLY_RESOURCES (default 1000; 0 skips).
IAC_APPLY_RESOURCES ?= 1000
iac-coverage:
	go run ./tools/iaccoverage -corpus testdata/arm-corpus -json bin/iac-coverage.json -plan $(IAC_PLAN_RESOURCES) -apply $(IAC_APPLY_RESOURCES)

# Regenerate testdata/arm-corpus from a local azure-rest-api-specs clone (SPECS=<dir>).
arm-corpus:
	@test -n "$(SPECS)" || { echo "usage: make arm-corpus SPECS=/path/to/azure-rest-api-specs"; exit 2; }
	go run ./tools/armcorpus -specs "$(SPECS)" -out testdata/arm-corpus

## restore-drill: back a simulated tenant up through `atg serve` on Azurite, restore it into an empty store, compare
restore-drill: azurite-up
	./infra/scripts/neo4j-restore-drill.sh

# Regenerate the ARM child-collection tree (engine/discover/childtree/generated.tsv) from a local
# azure-rest-api-specs clone (SPECS=<dir>; REPO names it in the output).
arm-children:
	@test -n "$(SPECS)" || { echo "usage: make arm-children SPECS=/path/to/azure-rest-api-specs [REPO=owner/name]"; exit 2; }
	go run ./tools/armchildren -specs "$(SPECS)" -repo "$(or $(REPO),Azure/azure-rest-api-specs)" -out engine/discover/childtree/generated.tsv

# Regenerate engine/armspec's data (readOnly property paths and PUT status codes per ARM type)
# from a local clone of the Azure REST API specs, and optionally of Azure/bicep-types-az (the
# same specs' newer api-versions, generated).
arm-spec:
	@test -n "$(SPECS)" || { echo "usage: make arm-spec SPECS=/path/to/azure-rest-api-specs [REPO=owner/name] [BICEP=/path/to/bicep-types-az]"; exit 2; }
	go run ./tools/armspec -specs "$(SPECS)" -repo "$(or $(REPO),Azure/azure-rest-api-specs)" $(if $(BICEP),-bicep "$(BICEP)") -out engine/armspec/armspec.tsv

# Scan the ARM corpus loaded into the simulator and print, per type, how many resources whose
# parents are present were discovered (a node, or inline in the parent).
discover-coverage:
	ATG_COVERAGE_REPORT=1 go test ./engine/discover -run '^TestCorpusCoverage$$' -count=1 -v

clean:
	rm -rf bin dist
