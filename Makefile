# Cloudless: `make bundle` builds the actor bundle, `make test` runs every test.
SHELL := /bin/bash
CARGO ?= cargo
BUNDLE := target/bundle/cloudless.car

.PHONY: setup bundle install test readme check bench calibrate conformance vectors reproducible kernel-fvm47 test-official-core test-indexed soak devnet clean

# Installs what the build needs when it is missing: the wasm32 target, cmake (RandomX) and
# Node.js with npm (the bundle's pinned wasm-opt, docs/bundle.md).
setup:
	@rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$$' \
		|| rustup target add wasm32-unknown-unknown
	@command -v cmake >/dev/null 2>&1 || { \
		echo "installing cmake"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq cmake >/dev/null; }
	@command -v npm >/dev/null 2>&1 || { \
		echo "installing Node.js and npm (the bundle build runs binaryen's wasm-opt, docs/bundle.md)"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq nodejs npm >/dev/null; }

# Compiles every actor to Wasm, packs the CAR and prints each actor's code CID and size.
bundle: setup
	$(CARGO) run --locked --release -p cloudless-bundle -- $(BUNDLE)

# Builds the `cloudless` CLI in release mode and installs it into ~/.cargo/bin.
install: setup
	$(CARGO) install --locked --path cli --target-dir target

test: setup
	$(CARGO) test --locked --workspace
	$(MAKE) readme
	$(MAKE) conformance
	./scripts/check-reproducible.sh

# The long soak and params fuzzer: 100,000 checked random messages across every actor
# (docs/reliability.md). SOAK_SEED picks the run; the short version is part of `make test`.
SOAK_MESSAGES ?= 100000
SOAK_SEED ?= 1
soak: setup
	$(CARGO) run --locked --release -p cloudless-testing --bin cloudless-soak -- \
		--messages $(SOAK_MESSAGES) --seed $(SOAK_SEED) --corpus test-vectors/corpus

# The one-command demo: rehearses the default scenario (examples/devnet-scenario.toml on
# examples/devnet.toml) with real proofs and writes devnet/rehearsal/report.html (docs/devnet.md).
devnet: setup
	$(CARGO) run --locked --release -p cloudless-cli -- devnet -o devnet/rehearsal

# Runs every README and docs recipe verbatim through the release binary.
readme: setup
	$(CARGO) test --locked --release -p cloudless-cli --test readme -- --nocapture

# Replays every vector in test-vectors/corpus against the current bundle.
conformance: setup
	$(CARGO) run --locked -q -p cloudless-test-vectors -- run

# Regenerates the corpus from test-vectors/scenarios (after an intended actor change).
vectors: setup
	$(CARGO) run --locked -q -p cloudless-test-vectors -- generate

check: setup
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --locked --workspace --all-targets -- -D warnings

bench: setup
	$(CARGO) bench --locked -p cloudless-host --bench oracle
	$(CARGO) bench --locked -p cloudless-host --bench syscalls
	$(CARGO) bench --locked -p cloudless-host --bench capacity
	$(CARGO) bench --locked -p cloudless-host --bench rewards
	$(CARGO) bench --locked -p cloudless-host --bench gateway
	$(CARGO) bench --locked -p cloudless-host --bench market
	$(CARGO) bench --locked -p cloudless-host --bench limits

# Times every priced syscall component and compares with the table in syscalls/kernel/src/gas.rs.
calibrate: setup
	$(CARGO) bench --locked -p cloudless-kernel --bench calibrate

reproducible: setup
	./scripts/check-reproducible.sh

# Every host integration test again on the official core set (builtin-actors v17 + ours), but
# host/tests/core.rs, which tests our core actors themselves (~6 min; not in `make test`).
test-official-core: setup
	CLOUDLESS_CORE=official $(CARGO) test --locked -p cloudless-host \
		$(foreach t,$(filter-out core,$(basename $(notdir $(wildcard host/tests/*.rs)))),--test $(t))

# Every host test with the event indexer checked after every message (docs/reliability.md),
# not only the tests that ask for it.
test-indexed: setup
	CLOUDLESS_INDEXER=all $(CARGO) test --locked -p cloudless-host --tests

# The kernel against fendermint's FVM (fvm 4.7.4, its lock in syscalls/fvm-4.7): docs/ipc.md.
kernel-fvm47: setup
	./scripts/check-kernel-fvm47.sh

clean:
	$(CARGO) clean
