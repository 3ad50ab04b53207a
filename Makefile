# balcentral build, test and benchmark entry points. `make test` is what CI
# runs (.ci/run); keep it green and well under 30 minutes on 2 cores.

GO       ?= go
BIN      ?= bin
FUZZTIME ?= 2m

.PHONY: all build test vet fmt bench fuzz clean

all: build

## build: compile bal and central into ./bin
build:
	$(GO) build -o $(BIN)/ ./cmd/bal ./cmd/central

## test: vet, then every test (conformance, CLI scripts, fuzz seeds)
test: vet
	$(GO) test -count=1 ./...

vet:
	$(GO) vet ./...

## fmt: fail if any file needs gofmt
fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

## bench: run every benchmark once with allocation figures
bench:
	$(GO) test -run='^$$' -bench=. -benchmem ./...

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
