# Two commands do all the set-up on a fresh machine: `make dev` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
ENV ?= dev
PORT ?= 8080
# Extra CDK CLI arguments for `make deploy`, e.g. CDK_ARGS="-c domain_name=api.example.com".
CDK_ARGS ?=
# `make smoke` reads the URL from stack HyperInfer-$(ENV)'s outputs unless BASE_URL is given.
BASE_URL ?=

export CDK_DISABLE_CLI_TELEMETRY := true
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export SAM_CLI_TELEMETRY := 0

.PHONY: dev demo test lint typecheck unit functional integration infra synth layer deploy smoke bench clean venv node

# The virtualenv is rebuilt whenever pyproject.toml changes.
$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --quiet --disable-pip-version-check -e '.[dev,infra]'
	touch $@

# The CDK CLI and the real clients (Claude Code, Codex), pinned in package-lock.json.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

venv: $(BIN)/.installed
node: node_modules/.installed

## make dev: install everything and serve every function on http://127.0.0.1:$(PORT)
dev: venv
	$(BIN)/hyperinfer dev --port $(PORT)

## make demo: the same, offline: every catalog provider is the built-in fake (canned replies), key sk-hi-dev
DEMO_KEY ?= sk-hi-dev
demo: venv
	$(BIN)/hyperinfer dev --port $(PORT) --fake-upstream --dev-key $(DEMO_KEY)

## make test: lint, type-check and run the whole suite (unit, functional, integration, infra)
test: venv node lint typecheck
	$(BIN)/python -m pytest --durations=25

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: venv
	$(BIN)/mypy

unit functional integration infra: venv node
	$(BIN)/python -m pytest tests/$@

## make layer [ARCH=x86_64]: the shared Lambda layer (python3.12 wheels) in build/layer (arm64, deployed)
## or build/layer-x86_64 (the twin used to measure cold starts on this machine)
ARCH ?= arm64
layer: venv
	$(BIN)/python scripts/build_layer.py --arch $(ARCH)

## make synth ENV=dev|staging|prod: the environment's CloudFormation template in cdk.out/
synth: venv node layer
	npx cdk synth -c env=$(ENV) --quiet

## make deploy ENV=dev|staging|prod [CDK_ARGS=...]: build the layer, then deploy stack HyperInfer-$(ENV)
# Only dev skips the review of IAM and security-group broadening; staging and prod ask for approval.
deploy: venv node layer
	npx cdk deploy HyperInfer-$(ENV) -c env=$(ENV) $(if $(filter dev,$(ENV)),--require-approval never) $(CDK_ARGS)

## make smoke ENV=...|BASE_URL=...: official-SDK checks of a deployed stage (key in HYPERINFER_SMOKE_KEY)
smoke: venv
	$(BIN)/python scripts/smoke.py $(if $(BASE_URL),--base-url $(BASE_URL),--env $(ENV))

bench: venv
	$(BIN)/python bench/gateway_latency.py
	$(BIN)/python bench/cold_start.py

clean:
	rm -rf $(VENV) node_modules cdk.out build .hyperinfer .pytest_cache .mypy_cache .ruff_cache
