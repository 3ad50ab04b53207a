# balcentral build, test and benchmark entry points. `make test` is what CI
# runs (.ci/run); keep it green and well under 30 minutes on 2 cores.

GO       ?= go
BIN      ?= bin
FUZZTIME ?= 2m

.PHONY: all build test vet fmt bench fuzz clean conformance

all: build

## build: compile bal and central into ./bin
build:
	$(GO) build -o $(BIN)/ ./cmd/bal ./cmd/central

## test: vet, then every test (conformance, CLI scripts, fuzz seeds), then the conformance figures
test: vet
	$(GO) test -count=1 ./...
	@$(MAKE) --no-print-directory conformance

## conformance: print the figures of the conformance suites (resolution, semver checker); each
## suite's test fails on a regression and on an unexpected pass, so this only reports
conformance:
	@for suite in resolve:resolution apidiff:semver-checker; do \
	  $(GO) test -count=1 -v -run '^TestConformance$$' ./internal/$${suite%%:*} | \
	    sed -n "s/^ *conformance_test.go:[0-9]*: \(.*[0-9] passed.*\)$$/$${suite#*:} \1/p"; \
	done

vet:
	$(GO) vet ./...

## fmt: fail if any file needs gofmt
fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

## bench: run every benchmark once with allocation figures
bench:
	$(GO) test -run='^$$' -bench=. -benchmem ./...

## bench-registry: central against Verdaccio and nginx under wrk (needs wrk, nginx, Node 20; about 3 minutes)
.PHONY: bench-registry
bench-registry:
	bash bench/registry/run.sh

## bench-build: cold/warm/offline bal build of a 200-package graph against a local central, and bal version (about 2½ minutes)
.PHONY: bench-build
bench-build:
	$(GO) run ./bench/build

## fuzz: run every fuzz target for FUZZTIME each (default 2m)
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
	  for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "== $$pkg $$target"; \
	    $(GO) test -run='^$$' -fuzz="^$$target$$" -fuzztime=$(FUZZTIME) $$pkg; \
	  done; \
	done

clean:
	rm -rf $(BIN)
