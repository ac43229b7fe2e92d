#!/usr/bin/env bash
# Installs the system packages arty needs to build and test, if any are missing.
# Idempotent; needs root or sudo only when something is missing.
set -euo pipefail

packages=(libcurl4-openssl-dev libncurses-dev libsqlite3-dev zlib1g-dev libxml2 tmux unzip time openssl)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "setup: swift is not on PATH (Swift 6 toolchain needed)" >&2; exit 1; }
