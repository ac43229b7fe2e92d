#!/usr/bin/env bash
# Regenerates screenshots/*.png from real runs of the arty binary under tmux.
#
#   scripts/screenshots.sh                 # on a freshly seeded demo registry (arty demo)
#
# ARTY_CMD: the command that opens the browser (default: the debug build's `arty demo`); the
# scenes below navigate the demo registry's content (Sources/ArtifactRegistry/Demo/DemoPlan.swift).
# Each scene runs the command in a private headless tmux server, sends keys, waits for the
# expected text, captures the screen with colours (capture-pane -p -e) to screenshots/NAME.ans,
# and renders it to screenshots/NAME.png with scripts/ansi_to_png.py (Pillow, in .venv-shots).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/screenshots
mkdir -p "$OUT"

if [[ -z "${ARTY_CMD:-}" ]]; then
  swift build >/dev/null
  ARTY_CMD="$(swift build --show-bin-path)/arty demo"
fi

# Fonts: DejaVu Sans Mono, plus Unifont (CJK) and Noto Color Emoji for what DejaVu lacks.
if ! dpkg -s fonts-unifont fonts-noto-color-emoji >/dev/null 2>&1; then
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
  $SUDO apt-get install -y fonts-unifont fonts-noto-color-emoji fonts-dejavu-core >/dev/null \
    || { $SUDO apt-get update >/dev/null && $SUDO apt-get install -y fonts-unifont fonts-noto-color-emoji fonts-dejavu-core >/dev/null; }
fi
if [[ ! -x .venv-shots/bin/python ]] || ! .venv-shots/bin/python -c "import PIL, fontTools" 2>/dev/null; then
  python3 -m venv .venv-shots
  .venv-shots/bin/pip install -q pillow fonttools
fi

SOCKET=""
tm() { tmux -L "$SOCKET" "$@"; }
# Quit arty first (so `arty demo` removes its temporary registry), then stop the tmux server.
cleanup() {
  [[ -n $SOCKET ]] || return 0
  tm send-keys -t shot q 2>/dev/null || true
  sleep 0.5
  tm kill-server 2>/dev/null || true
}
trap cleanup EXIT

# wait_for TEXT...: polls the screen until it contains every TEXT (10 s at most).
wait_for() {
  for _ in $(seq 1 200); do
    local screen ok=1
    screen=$(tm capture-pane -p -t shot 2>/dev/null || true)
    for t in "$@"; do [[ "$screen" == *"$t"* ]] || ok=0; done
    [[ $ok == 1 ]] && return 0
    sleep 0.05
  done
  echo "screenshots: timed out waiting for: $*" >&2
  tm capture-pane -p -t shot >&2 || true
  return 1
}

# scene NAME COLS ROWS TITLE -- STEPS...: STEPS are `keys K...`, `type TEXT`, `wait TEXT...`, `resize W H`.
scene() {
  local name=$1 cols=$2 rows=$3 title=$4; shift 5
  cleanup
  SOCKET="arty-shots-$$-$name"  # a fresh server per scene
  tm new-session -d -s shot -x "$cols" -y "$rows" -e LANG=C.UTF-8 -e LC_ALL=C.UTF-8 -e TERM=xterm-256color \
    "$ARTY_CMD"
  local step
  while (($#)); do
    step=$1; shift
    case $step in
      keys) while (($#)) && [[ $1 != keys && $1 != type && $1 != wait && $1 != resize ]]; do tm send-keys -t shot "$1"; shift; done ;;
      type) tm send-keys -t shot -l "$1"; shift ;;
      wait) local texts=(); while (($#)) && [[ $1 != keys && $1 != type && $1 != wait && $1 != resize ]]; do texts+=("$1"); shift; done
            wait_for "${texts[@]}" ;;
      resize) tm resize-window -t shot -x "$1" -y "$2"; cols=$1; rows=$2; shift 2 ;;
    esac
  done
  sleep 0.3  # let the last frame (spinner, message) settle
  tm capture-pane -p -e -t shot > "$OUT/$name.ans"
  .venv-shots/bin/python scripts/ansi_to_png.py "$OUT/$name.ans" "$OUT/$name.png" --cols "$cols" --rows "$rows" --title "$title"
  echo "screenshots/$name.png"
}

scene 01-workspaces 100 30 "Workspaces, with a preview of the selected one's artifacts" -- \
  wait "Workspaces (" "Artifacts ("
scene 02-artifacts 100 30 "Artifacts of a workspace: type, latest version, tags, size" -- \
  wait "Workspaces (" keys / type vision keys Enter Enter wait "cats-vs-dogs" "Versions ("
scene 03-versions 120 34 "Versions, newest first, with the selected version's details" -- \
  wait "Workspaces (" keys / type vision keys Enter Enter wait "cats-vs-dogs" keys Enter wait "Version 2.0.0" "Assets ("
scene 04-assets 120 34 "Assets: sizes in binary units, remote links marked ↗ and \"remote\"" -- \
  wait "Workspaces (" keys / type vision keys Enter Enter wait "cats-vs-dogs" keys Enter wait "Version 2.0.0" \
  keys G Enter wait "Assets (15) ·" keys G k wait "Link"
scene 05-filter 100 30 "Live filter: / then type" -- \
  wait "Workspaces (" keys / type vision keys Enter Enter wait "cats-vs-dogs" keys Enter wait "Version 2.0.0" \
  keys G Enter wait "Assets (15) ·" keys / type dog wait "filter: /dog"
scene 06-help 100 30 "Help overlay, generated from the keymap (?)" -- \
  wait "Workspaces (" keys ? wait "Help: key bindings"
scene 07-wide 100 30 "Wide characters: CJK names keep columns aligned" -- \
  wait "Workspaces (" keys / type nlp keys Enter Enter wait "トークナイザー" keys j wait "Versions ("
scene 08-too-small 30 8 "Below 40×10" -- \
  wait "terminal too small"
scene 09-marks 120 34 "Space marks assets (a folder marks its files), v a range; d downloads exactly the marks" -- \
  wait "Workspaces (" keys / type vision keys Enter Enter wait "cats-vs-dogs" keys Enter wait "Version 2.0.0" \
  keys G Enter wait "Assets (15) ·" keys j Space Space j v j j wait "5 marked"
scene 10-command-line 120 34 "The : command line: goto anywhere with Tab completion" -- \
  wait "Workspaces (" keys : type "goto vision-lab/cats-vs-dogs:1.0.0" keys Enter wait "Assets (15)" \
  keys : type "goto vision-lab/cats-vs-dogs:1.0.0/images/train/dogs/d" keys Tab wait "dog_005"
