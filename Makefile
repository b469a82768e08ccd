# Two commands from a fresh clone: `make run` and `make test`. Both install what they need.
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help deps valkey build run test test-cluster lint typecheck bench clean

help:
	@echo "make run    install, build and start Skein on its embedded Valkey with sample data; prints ready links (http://localhost:3000)"
	@echo "make test   install, lint, type-check and run the whole test suite against a real valkey-server"
	@echo "make test-cluster  the end-to-end suites again on a local 3-primary Valkey Cluster, every one of them"
	@echo "make bench  run the benchmarks (npm run bench -- --quick for the short run)"

# `npm install` installs the versions pinned in package-lock.json. (`npm ci` refuses this lock: the registry does not
# serve other platforms' optional binaries, e.g. @unrs/resolver-binding-darwin-*, at the pinned versions.)
node_modules/.package-lock.json: package.json package-lock.json
	npm install --no-audit --no-fund
	@touch $@

deps: node_modules/.package-lock.json

valkey:
	@bash scripts/ensure-valkey.sh

build: deps
	npm run build

run: deps valkey build
	SAMPLE_DATA=$${SAMPLE_DATA:-true} LOG_FORMAT=$${LOG_FORMAT:-pretty} node dist/main.js

typecheck: deps
	npm run typecheck

lint: deps
	npm run lint

test: deps valkey build lint typecheck
	bash scripts/ensure-test-tools.sh
	npm test

# `make test` runs the core cluster suites (jest.config.js); this runs all of them on a local 3-primary cluster.
test-cluster: deps valkey build
	bash scripts/ensure-test-tools.sh
	SKEIN_CLUSTER_SUITES=all bash scripts/test.sh --selectProjects cluster

bench: deps valkey build
	npm run bench

clean:
	rm -rf dist coverage
