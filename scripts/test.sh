#!/usr/bin/env bash
# Runs every test: Swift unit, integration and end-to-end (tmux) tests, then the compatibility
# suite that drives the local registry with the official Python SDK (comet-ml 3.58.8).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# One debug build of everything (the arty binary, which the end-to-end tests drive, and the
# test targets); `swift test` then runs without building again.
swift build --build-tests
# The man page and completions (into .build/docs): DocsConsistencyTests compares the man page with
# the commands and options ArgumentParser knows.
scripts/gen-docs.sh > /dev/null
swift test --skip-build
scripts/compat-test.sh
# Coverage-guided fuzzing of the parsers: the committed seeds plus 20,000 inputs per target from a
# fixed seed, so the run is reproducible (exploring for new finds: make fuzz, scripts/fuzz.sh -t 600).
scripts/fuzz.sh -r 20000
# The benchmark harness at a tiny size: checks that it runs (numbers at this size mean nothing;
# full runs are `Benchmarks/run.sh`, results in BENCHMARKS.md).
Benchmarks/run.sh --small
