#!/usr/bin/env bash
# Builds arty and opens the terminal browser on a freshly seeded local demo registry.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build --product arty
exec .build/debug/arty demo "$@"
