#!/usr/bin/env bash
# Compatibility suite: drives the local registry (`arty serve`) with the official Python SDK,
# comet-ml 3.58.8, unchanged, and with Comet's command-line tool cometx 3.6.11 (a second judge); remote s3:// assets against moto[server] (a real S3 API on loopback). Sets up a cached venv and a real dataset (the data files shipped in
# the scikit-learn wheel), then runs pytest on Tests/Compatibility.
#   ARTY_BIN   arty binary to test (default .build/debug/arty; built if missing)
#   extra arguments go to pytest (e.g. -k durability -x)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
venv="$root/.venv-compat"
cache="$root/.cache-compat"

# moto[server]: a real S3 API (and IAM, to enforce SigV4 signatures) on loopback for the remote-asset tests.
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import comet_ml, pytest, moto, sys; from importlib.metadata import version; sys.exit(comet_ml.__version__ != "3.58.8" or moto.__version__ != "5.2.5" or version("cometx") != "3.6.11")' 2>/dev/null; then
  echo "compat: creating $venv (comet-ml 3.58.8, cometx 3.6.11, moto[server] 5.2.5, pytest)" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check comet-ml==3.58.8 cometx==3.6.11 'moto[server]==5.2.5' pytest
fi

data="$cache/sklearn-data"
if [ ! -d "$data/sklearn/datasets/data" ]; then
  echo "compat: fetching the scikit-learn wheel for its dataset files" >&2
  mkdir -p "$cache/wheel"
  ls "$cache"/wheel/scikit_learn-*.whl >/dev/null 2>&1 || \
    "$venv/bin/pip" download -q --disable-pip-version-check --no-deps scikit-learn -d "$cache/wheel"
  rm -rf "$data.tmp" && mkdir -p "$data.tmp"
  wheel=$(ls "$cache"/wheel/scikit_learn-*.whl | head -n1)
  unzip -q "$wheel" 'sklearn/datasets/data/*' 'sklearn/datasets/images/*' -d "$data.tmp"
  mv "$data.tmp" "$data"
fi

export ARTY_BIN="${ARTY_BIN:-$root/.build/debug/arty}"
[ -x "$ARTY_BIN" ] || swift build --product arty
export SKLEARN_DATA="$data/sklearn/datasets"
exec "$venv/bin/python" -m pytest -q "$root/Tests/Compatibility" "$@"
