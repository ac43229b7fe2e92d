#!/usr/bin/env bash
# Runs every test: Swift unit, integration and end-to-end (tmux) tests, then the compatibility
# suite that drives the local registry with the official Python SDK (comet-ml 3.58.8).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build
swift test
scripts/compat-test.sh
