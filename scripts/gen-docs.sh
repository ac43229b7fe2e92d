#!/usr/bin/env bash
# Generates arty's man page and shell completions from its ArgumentParser definitions, into
# .build/docs (not committed): man/arty.1 (swift-argument-parser's generate-manual plugin) and
# completions/arty.bash, completions/_arty (zsh), completions/arty.fish
# (`arty --generate-completion-script`). Usage: scripts/gen-docs.sh [--configuration debug|release]
set -euo pipefail
cd "$(dirname "$0")/.."
configuration=debug
if [[ "${1:-}" == "--configuration" ]]; then configuration="$2"; fi
out=.build/docs
rm -rf "$out"
mkdir -p "$out/man" "$out/completions"

swift build -c "$configuration" --product arty >&2
bin="$(swift build -c "$configuration" --show-bin-path)/arty"

"$bin" --generate-completion-script bash > "$out/completions/arty.bash"
"$bin" --generate-completion-script zsh > "$out/completions/_arty"
"$bin" --generate-completion-script fish > "$out/completions/arty.fish"

# The plugin builds the package's products, then runs generate-manual on each executable.
swift package plugin generate-manual --configuration "$configuration" >&2
manual=$(find .build/plugins/GenerateManual/outputs -name arty.1 | head -n 1)
[[ -n "$manual" ]] || { echo "gen-docs: generate-manual wrote no arty.1" >&2; exit 1; }
cp "$manual" "$out/man/arty.1"
echo "$out"
