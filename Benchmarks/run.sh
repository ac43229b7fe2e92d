#!/usr/bin/env bash
# Issue-6 benchmarks: arty side by side with curl and the official Python SDK, in one run, as ratios;
# issue 12's WAN profile (section 5, Benchmarks/wan.sh): the same clients and cometx through a shaping proxy.
#   Benchmarks/run.sh            full sizes; writes BENCHMARKS.md (needs ~5 GiB free; ≈ 10 min + the WAN section's ≈ 17)
#   Benchmarks/run.sh --small    tiny sizes for CI (about a minute); writes .build/BENCHMARKS-small.md
#   Benchmarks/run.sh --wan      only section 5 (release build): replaces that section of BENCHMARKS.md, keeps the rest
#                                (with --small: of .build/BENCHMARKS-small.md)
# Everything runs on 127.0.0.1 against a throw-away `arty serve`, stopped and deleted at the end.
# Environment: ARTY_BENCH_TMP (scratch parent, default .build/), BENCH_SKIP_SDK=1 (no Python SDK or cometx figure),
# BENCH_SKIP_WAN=1 (no section 5), BENCH_WAN_* (see Benchmarks/wan.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
small=0
wan_only=0
for arg in "$@"; do
  case "$arg" in
    --small) small=1 ;;
    --wan) wan_only=1 ;;
    *) echo "usage: Benchmarks/run.sh [--small] [--wan]" >&2; exit 2 ;;
  esac
done

if [ $small = 1 ]; then
  ARTIFACTS=300; VERSIONS=200; ASSETS=3000
  NFILES=20; FILE_KIB=64; NBIG=2; BIG_MIB=2; ROUNDS=1
  AGAIN_SMALL=8; AGAIN_SMALL_KIB=64; AGAIN_BIG=2; AGAIN_BIG_MIB=1   # 2b: 2.5 MiB downloaded twice
  CONCURRENCY="8 32"
  out="$root/.build/BENCHMARKS-small.md"
else
  ARTIFACTS=10000; VERSIONS=5000; ASSETS=100000
  NFILES=1000; FILE_KIB=1024; NBIG=4; BIG_MIB=256; ROUNDS=${BENCH_ROUNDS:-3}
  AGAIN_SMALL=512; AGAIN_SMALL_KIB=1024; AGAIN_BIG=8; AGAIN_BIG_MIB=64  # 2b: 1 GiB downloaded twice
  CONCURRENCY="16 32 64 128 256"
  out="$root/BENCHMARKS.md"
fi
KEY=bench-key-0123456789abcdef
PAR=16  # curl's --parallel-max on loopback: where arty's adaptive default settles there (TransferConcurrency: starts at 16, holds when 32 brings nothing)
WAN_PAR=32   # curl's --parallel-max through the WAN proxy: arty's adaptive cap (TransferParallelism.defaultCap)

command -v /usr/bin/time >/dev/null || { sudo apt-get install -y time >/dev/null 2>&1 || apt-get install -y time >/dev/null; }

# Figures come from release builds; the smoke run (--small, in CI) only checks that the harness
# runs, so it uses the debug build the tests already made instead of a second, release build.
config=release; [ $small = 1 ] && config=debug
echo "bench: building $config" >&2
swift build -c $config --product arty >&2
[ $wan_only = 1 ] || swift build -c $config --product arty-bench >&2
bin="$root/.build/$config"

mkdir -p "${ARTY_BENCH_TMP:-$root/.build}"
work=$(mktemp -d "${ARTY_BENCH_TMP:-$root/.build}/bench-work.XXXXXX")
server_pid=""
out_dir=""  # the download destination, on /dev/shm when it has room: RAM, so removed on every exit
again_dir=""  # 2b's destination, likewise
wan_dir=""  # section 5's destination, likewise
. "$root/Benchmarks/wan.sh"  # wan_section, start_proxy/stop_proxy (proxy_pid)
cleanup() {
  stop_proxy
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
  if [ -n "$out_dir" ]; then rm -rf "$out_dir"; fi
  if [ -n "$again_dir" ]; then rm -rf "$again_dir"; fi
  if [ -n "$wan_dir" ]; then rm -rf "$wan_dir"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.4f}')" "$1" "$2"; }
ratio() { python3 -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print(f'{a / b:.2f}' if b > 0 else 'n/a')" "$1" "$2"; }
mbps() { python3 -c "import sys; print(f'{float(sys.argv[1]) / 1048576 / float(sys.argv[2]):.0f}')" "$1" "$2"; }
maxrss_kib() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"; }

curl_config() {  # ARTIFACT BASE OUTDIR → a curl -K config fetching every asset of bench/ARTIFACT:1.0.0 from BASE into OUTDIR
  "$bin/arty" ls --json "bench/$1:1.0.0" > "$work/cfg-assets.json"
  "$bin/arty" ls --json "bench/$1" > "$work/cfg-versions.json"
  python3 - "$work/cfg-assets.json" "$2" "$3" "$work/cfg-versions.json" <<'PY'
import json, sys
rows, base, out = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
vid = [r for r in json.load(open(sys.argv[4])) if r["version"] == "1.0.0"][0]["artifactVersionId"]
for a in rows:
    print(f'url = "{base}/experiment/asset/get-asset?assetId={a["assetId"]}&artifactVersionId={vid}"')
    print(f'output = "{out}/{a["logicalPath"]}"')
PY
}
announced() {  # FILE NAME → the value of the first `NAME=value` line a starting process printed to FILE (10 s at most; empty if none)
  local value=""
  for _ in $(seq 1 200); do
    value=$(sed -n "s/^$2=//p" "$1" | head -n1)
    [ -n "$value" ] && break
    sleep 0.05
  done
  echo "$value"
}
start_server() {  # DATA_DIR [ARGS…] → sets server_pid, URL (override) and BASE (REST v2)
  local data=$1; shift
  "$bin/arty" serve --data "$data" --port 0 --api-key "$KEY" "$@" > "$work/serve.out" 2> "$work/serve.err" &
  server_pid=$!
  URL=$(announced "$work/serve.out" COMET_URL_OVERRIDE)
  [ -n "$URL" ] || { cat "$work/serve.err" >&2; echo "bench: arty serve did not start" >&2; exit 1; }
  BASE="${URL%/clientlib/}/api/rest/v2"
  export COMET_URL_OVERRIDE="$URL" COMET_API_KEY="$KEY" COMET_WORKSPACE=bench
}
stop_server() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""; }
venv="$root/.venv-compat"  # shared with scripts/compat-test.sh
ensure_sdk_venv() {  # the official SDK and cometx, pinned as the compatibility suite pins them
  if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import comet_ml, sys; from importlib.metadata import version; sys.exit(comet_ml.__version__ != "3.58.8" or version("cometx") != "3.6.11")' 2>/dev/null; then
    python3 -m venv "$venv"; "$venv/bin/pip" install -q --disable-pip-version-check comet-ml==3.58.8 cometx==3.6.11 pytest >&2
  fi
}

# Section 5 alone: replace it in the existing report (or add it), leave the other sections as they are.
wan_heading="## 5. WAN profile (issue 12)"
wan_report() {  # LOAD_BEFORE → the section, heading included, on stdout
  echo "$wan_heading"
  echo
  echo "Produced by \`Benchmarks/run.sh$([ $small = 1 ] && echo ' --small')$([ $wan_only = 1 ] && echo ' --wan')\` on $(date -u '+%Y-%m-%d %H:%M UTC') ($config build); load average"
  echo "(1/5/15 min) before → after: $1 → $(cut -d' ' -f1-3 /proc/loadavg)."
  [ $small = 1 ] && echo && echo "**Small sizes (CI smoke run): not the issue's sizes; numbers are not meaningful.**"
  echo
  cat "$work/wan.md"
  echo
}
if [ $wan_only = 1 ]; then
  wan_load=$(cut -d' ' -f1-3 /proc/loadavg)
  wan_section
  wan_report "$wan_load" > "$work/wan-section.md"
  [ -f "$out" ] || : > "$out"
  python3 - "$out" "$work/wan-section.md" "$wan_heading" <<'PY'
import sys
path, section, heading = sys.argv[1], open(sys.argv[2]).read(), sys.argv[3]
lines = open(path).read().split("\n")
starts = [i for i, l in enumerate(lines) if l == heading]
if starts:
    i = starts[0]
    j = next((k for k in range(i + 1, len(lines)) if lines[k].startswith("## ")), len(lines))
else:
    i = j = next((k for k, l in enumerate(lines) if l.startswith("## What was fixed")), len(lines))
new = lines[:i] + section.rstrip("\n").split("\n") + [""] + lines[j:]
open(path, "w").write("\n".join(new).rstrip("\n") + "\n")
PY
  echo "bench: wrote section 5 of $out" >&2
  [ $small = 1 ] && cat "$work/wan-section.md"
  exit 0
fi

# Machine and load, for the report.
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
swiftv=$(swift --version 2>&1 | head -n1)

# ---------------------------------------------------------------- 1. UI (pure reduce + render)
echo "bench: 1. UI, $ARTIFACTS artifacts / $VERSIONS versions / $ASSETS assets" >&2
ui=$("$bin/arty-bench" ui --artifacts $ARTIFACTS --versions $VERSIONS --assets $ASSETS)
echo "bench: 1c. folder tree view, $ASSETS assets in nested folders" >&2
tree=$("$bin/arty-bench" tree --assets $ASSETS)

# ---------------------------------------------------------------- 3 + 4. listing and registry
echo "bench: seeding the listing registry" >&2
seed=$("$bin/arty-bench" seed --data "$work/list-reg" --artifacts $ARTIFACTS --versions $VERSIONS --assets $ASSETS)
start_server "$work/list-reg"
H="Authorization: $KEY"
curl_times() {  # URL → "ttfb total bytes" (seconds, seconds, bytes)
  curl -sS -o /dev/null -H "$H" -w '%{time_starttransfer} %{time_total} %{size_download}\n' "$1"
}
best_of() {  # N CMD… → the fastest wall time of N runs (seconds)
  local n=$1; shift; local best=""
  for _ in $(seq 1 "$n"); do
    local t0 t1 t; t0=$(now); "$@" > /dev/null; t1=$(now); t=$(elapsed "$t0" "$t1")
    if [ -z "$best" ] || python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 1)" "$t" "$best"; then best=$t; fi
  done
  echo "$best"
}
median_of() {  # N CMD… → the median wall time of N runs (seconds)
  local n=$1; shift; local ts=()
  for _ in $(seq 1 "$n"); do
    local t0 t1; t0=$(now); "$@" > /dev/null; t1=$(now); ts+=("$(elapsed "$t0" "$t1")")
  done
  python3 -c "import sys, statistics; print(f'{statistics.median(map(float, sys.argv[1:])):.4f}')" "${ts[@]}"
}
echo "bench: 3. listing latency" >&2
# Warm the server's page cache once (the client is what runs cold: a new process each time).
curl -s -o /dev/null -H "$H" "$BASE/artifacts/get-all?workspace=bench"
runs=5; [ $small = 1 ] && runs=3
ls_arty=$(median_of $runs "$bin/arty" ls --json bench)
ls_curl=$(median_of $runs curl -sS -H "$H" "$BASE/artifacts/get-all?workspace=bench")
ls_rows=$("$bin/arty" ls --json bench | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')

echo "bench: 1b. the real binary in tmux" >&2
sock="arty-bench-$$"
tm() { tmux -L "$sock" "$@"; }
wait_screen() {  # TEXT → seconds until the screen shows TEXT (polling every 10 ms; 60 s at most)
  local t0 t1; t0=$(now)
  for _ in $(seq 1 6000); do
    if tm capture-pane -p 2>/dev/null | grep -qF -- "$1"; then t1=$(now); elapsed "$t0" "$t1"; return 0; fi
    sleep 0.01
  done
  echo "timeout"; return 0
}
vm() { sed -n "s/^$2:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$1/status"; }
tm new-session -d -x 160 -y 48 -e LANG=C.UTF-8 -e COMET_URL_OVERRIDE="$URL" -e COMET_API_KEY="$KEY" \
  -e COMET_WORKSPACE=bench -e HOME="$work" "$bin/arty browse"
tui_start=$(wait_screen "($ARTIFACTS)")
tui_pid=$(tm list-panes -F '#{pane_pid}')
rss_before=$(vm "$tui_pid" VmRSS)
tm send-keys G; tm send-keys k; wait_screen "many-assets" > /dev/null
tm send-keys l
tui_assets=$(wait_screen "($ASSETS)")
tm send-keys l; wait_screen "sample-000000" > /dev/null
sleep 0.2
rss_after=$(vm "$tui_pid" VmRSS); hwm_tui=$(vm "$tui_pid" VmHWM)
tm send-keys /; tm send-keys -l "sample-00012"; tui_filter=$(wait_screen "sample-000129")
# The tree view of the same version (`T`), then its peak RSS: flat or tree, the browse of the version.
tm send-keys Escape; tm send-keys T; wait_screen "Folder tree" > /dev/null
tm send-keys l; wait_screen "shard-0000/" > /dev/null; tm send-keys j; sleep 0.2
hwm_tree=$(vm "$tui_pid" VmHWM)
tm send-keys q; sleep 0.2; tm kill-server 2>/dev/null || true
tui_row_bytes=$(( (rss_after - rss_before) * 1024 / ASSETS ))
# Preview of a 10 MiB CSV (`artifact-preview`, seeded): p → its columns drawn. One Range request
# for 64 KiB, the CSV laid out as columns, one frame; a new process each round (no preview cache).
preview_times=()
for _ in 1 2 3; do
  tm new-session -d -x 160 -y 48 -e LANG=C.UTF-8 -e COMET_URL_OVERRIDE="$URL" -e COMET_API_KEY="$KEY" \
    -e COMET_WORKSPACE=bench -e HOME="$work" "$bin/arty browse"
  wait_screen "($ARTIFACTS)" > /dev/null
  tm send-keys G; tm send-keys k; tm send-keys k; wait_screen "artifact-preview" > /dev/null
  tm send-keys l; wait_screen "1.0.0" > /dev/null; tm send-keys l; wait_screen "iris.csv" > /dev/null; sleep 0.3
  tm send-keys p; preview_times+=("$(wait_screen "petal_width")")
  tm send-keys q; tm send-keys q; sleep 0.2; tm kill-server 2>/dev/null || true
done
tui_preview=$(python3 -c "import sys, statistics; print(f'{statistics.median(float(x) for x in sys.argv[1:] if x != \"timeout\"):.4f}')" "${preview_times[@]}" 2>/dev/null || echo timeout)
preview_bench=$("$bin/arty-bench" preview)

echo "bench: 4. registry endpoints" >&2
read -r ga_ttfb ga_total ga_bytes < <(curl_times "$BASE/artifacts/get-all?workspace=bench")
read -r vf_ttfb vf_total vf_bytes < <(curl_times "$BASE/artifacts/version/files?workspace=bench&artifactName=many-assets&version=1.0.0")
# N concurrent downloads of one stored asset (1 KiB each).
"$bin/arty" ls --json bench/artifact-00000:1.0.0 > "$work/one.json"
"$bin/arty" ls --json bench/artifact-00000 > "$work/one-versions.json"
one_url=$(python3 -c '
import json, sys
a = json.load(open(sys.argv[1]))[0]
v = [r for r in json.load(open(sys.argv[2])) if r["version"] == "1.0.0"][0]
print(sys.argv[3] + "/experiment/asset/get-asset?assetId=" + a["assetId"] + "&artifactVersionId=" + v["artifactVersionId"])' \
  "$work/one.json" "$work/one-versions.json" "$BASE")
held=0; conc_rows=""
for n in $CONCURRENCY; do
  : > "$work/conc.cfg"
  for i in $(seq 1 "$n"); do printf 'url = "%s"\noutput = "%s/conc/%d"\n' "$one_url" "$work" "$i" >> "$work/conc.cfg"; done
  rm -rf "$work/conc"; mkdir -p "$work/conc"
  t0=$(now)
  ok=$(curl -s --no-progress-meter --parallel --parallel-immediate --parallel-max "$n" -H "$H" -K "$work/conc.cfg" -w '%{http_code}\n' | grep -c '^200$' || true)
  t1=$(now)
  conc_rows+="| $n | $ok/$n | $(elapsed "$t0" "$t1") |"$'\n'
  if [ "$ok" = "$n" ]; then held=$n; else break; fi
done
stop_server

# ---------------------------------------------------------------- 2. download throughput
echo "bench: 2. download throughput: $NFILES × $FILE_KIB KiB + $NBIG × $BIG_MIB MiB, $ROUNDS rounds" >&2
mkdir -p "$work/files/small" "$work/files/big"
for i in $(seq -w 1 "$NFILES"); do head -c $((FILE_KIB * 1024)) /dev/urandom > "$work/files/small/f$i.bin"; done
for i in $(seq 1 "$NBIG"); do head -c $((BIG_MIB * 1048576)) /dev/urandom > "$work/files/big/b$i.bin"; done
total_bytes=$(( NFILES * FILE_KIB * 1024 + NBIG * BIG_MIB * 1048576 ))
nfiles_total=$((NFILES + NBIG))
# Downloads land on a tmpfs when one has room: on ext4, creating files right after deleting thousands
# (each client's previous output) sends the inode allocator through every recently deleted inode
# (perf: 40% of a client's CPU in ext4 `recently_deleted`), a cost of the file system and of the run
# order rather than of the client. ARTY_BENCH_OUT overrides.
out_parent="${ARTY_BENCH_OUT:-}"
if [ -z "$out_parent" ] && [ -d /dev/shm ] && [ "$(df -k --output=avail /dev/shm | tail -n1)" -gt $(( total_bytes / 1024 * 3 / 2 )) ]; then
  out_parent=/dev/shm
fi
[ -n "$out_parent" ] || out_parent="$work"
out_dir=$(mktemp -d "$out_parent/arty-bench-out.XXXXXX")
out_fs=$(df --output=fstype "$out_dir" | tail -n1)
start_server "$work/dl-reg"
"$bin/arty" log "$work/files" --artifact big --type dataset --workspace bench --json > "$work/logged.json"
# Every client's files are checked against these digests after its (timed) run: a fast wrong download is a failure.
(cd "$work/files" && find . -type f -print0 | sort -z | xargs -0 sha256sum) > "$work/files.sha256"
rm -rf "$work/files"
curl_config big "$BASE" "$out_dir/curl" > "$work/dl.cfg"
sdk_ok=0
if [ "${BENCH_SKIP_SDK:-0}" != 1 ]; then
  ensure_sdk_venv
  mkdir -p "$work/home"; sdk_ok=1
fi
server_cpu() { awk '{printf "%.2f", ($14 + $15) / 100}' "/proc/$server_pid/stat"; }
: > "$work/dl-runs.txt"
run_client() {  # NAME DEST CMD… → one line in dl-runs.txt: name wall user sys rss_kib server_cpu files
  local name=$1 dest=$2; shift 2
  rm -rf "$out_dir"/*; sync
  local c0 c1 t0 t1; c0=$(server_cpu); t0=$(now)
  /usr/bin/time -f '%U %S %M' -o "$work/client.time" "$@" > "$work/client.out" 2> "$work/client.err" \
    || { tail -5 "$work/client.err" >&2; echo "bench: $name failed" >&2; exit 1; }
  t1=$(now); c1=$(server_cpu)
  (cd "$dest" && sha256sum --quiet --strict -c "$work/files.sha256" >&2) \
    || { echo "bench: $name wrote files that differ from the logged ones" >&2; exit 1; }
  local wall; wall=$(elapsed "$t0" "$t1")
  # The SDK script prints the seconds of the download call alone (its import takes ≈ 0.4 s more).
  [ "$name" = sdk ] && wall=$(tail -n1 "$work/client.out")
  echo "$name $wall $(tail -n1 "$work/client.time") $(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$c0" "$c1") $(find "$dest" -type f -name '*.bin' 2>/dev/null | wc -l)" >> "$work/dl-runs.txt"
}
for round in $(seq 1 "$ROUNDS"); do
  echo "bench:   round $round/$ROUNDS" >&2
  run_client arty "$out_dir/arty" "$bin/arty" download bench/big:1.0.0 "$out_dir/arty" --json
  run_client curl "$out_dir/curl" curl -sS --no-progress-meter --fail --parallel --parallel-max $PAR --create-dirs -H "$H" -K "$work/dl.cfg"
  run_client curl50 "$out_dir/curl" curl -sS --no-progress-meter --fail --parallel --parallel-max 50 --create-dirs -H "$H" -K "$work/dl.cfg"
  if [ $sdk_ok = 1 ]; then
    run_client sdk "$out_dir/sdk" env HOME="$work/home" COMET_ERROR_TRACKING_ENABLE=false \
      "$venv/bin/python" "$root/Benchmarks/sdk_download.py" bench big 1.0.0 "$out_dir/sdk"
  fi
done
rm -rf "$out_dir"
stop_server

# ---------------------------------------------------------------- 2b. downloading an unchanged version again
again_bytes=$(( AGAIN_SMALL * AGAIN_SMALL_KIB * 1024 + AGAIN_BIG * AGAIN_BIG_MIB * 1048576 ))
again_files=$(( AGAIN_SMALL + AGAIN_BIG ))
echo "bench: 2b. second download of an unchanged version: $AGAIN_SMALL × $AGAIN_SMALL_KIB KiB + $AGAIN_BIG × $AGAIN_BIG_MIB MiB" >&2
mkdir -p "$work/again/small" "$work/again/big"
for i in $(seq -w 1 "$AGAIN_SMALL"); do head -c $((AGAIN_SMALL_KIB * 1024)) /dev/urandom > "$work/again/small/s$i.bin"; done
for i in $(seq 1 "$AGAIN_BIG"); do head -c $((AGAIN_BIG_MIB * 1048576)) /dev/urandom > "$work/again/big/b$i.bin"; done
again_parent="${ARTY_BENCH_OUT:-}"
if [ -z "$again_parent" ] && [ -d /dev/shm ] && [ "$(df -k --output=avail /dev/shm | tail -n1)" -gt $(( again_bytes / 1024 * 3 / 2 )) ]; then
  again_parent=/dev/shm
fi
[ -n "$again_parent" ] || again_parent="$work"
again_dir=$(mktemp -d "$again_parent/arty-bench-again.XXXXXX")
again_fs=$(df --output=fstype "$again_dir" | tail -n1)
# The server logs one line per request (hidden --request-log), so get-asset requests are counted where they arrive.
start_server "$work/again-reg" --request-log "$work/requests.log"
"$bin/arty" log "$work/again" --artifact again --type dataset --workspace bench --json > /dev/null
rm -rf "$work/again"
get_assets() { grep -c ' /api/rest/v2/experiment/asset/get-asset$' "$work/requests.log" || true; }
: > "$work/again-runs.txt"
again_run() {  # LABEL → one line in again-runs.txt: label seconds get-asset-requests bytes-transferred downloaded unchanged
  local r0 r1 t0 t1
  r0=$(get_assets); t0=$(now)
  "$bin/arty" download bench/again:1.0.0 "$again_dir/dest" --json > "$work/again.json" 2> "$work/again.err" \
    || { tail -5 "$work/again.err" >&2; echo "bench: 2b download ($1) failed" >&2; exit 1; }
  t1=$(now); r1=$(get_assets)
  python3 - "$1" "$(elapsed "$t0" "$t1")" "$((r1 - r0))" "$work/again.json" >> "$work/again-runs.txt" <<'PY'
import json, sys
s = json.load(open(sys.argv[4]))
print(sys.argv[1], sys.argv[2], sys.argv[3], s["bytesTransferred"], len(s["downloaded"]), len(s.get("unchanged", [])))
PY
}
again_run first
again_run second
# What a second download cost before issue 11: the same folder without arty's record, so every
# same-size file is fetched again to compare (overwrite strategy fail).
rm -rf "$again_dir/dest/.arty"
again_run norecord
rm -rf "$again_dir"; again_dir=""
stop_server
again_report=$(python3 - "$work/again-runs.txt" "$again_files" <<'PY'
import sys
rows = {l.split()[0]: l.split()[1:] for l in open(sys.argv[1]).read().splitlines() if l.strip()}
n = sys.argv[2]
labels = {"first": "first, into an empty folder", "second": "second, same folder (arty's record in `.arty/`)",
          "norecord": "second, same folder without `.arty/` (what every second download cost before issue 11)"}
print("| `arty download` of the same version | Seconds | get-asset requests | Bytes transferred | Files downloaded | Files up to date (no transfer) |")
print("|---|---:|---:|---:|---:|---:|")
for key in ["first", "second", "norecord"]:
    secs, reqs, transferred, downloaded, unchanged = rows[key]
    print(f"| {labels[key]} | {float(secs):.3f} | {reqs} | {transferred} | {downloaded}/{n} | {unchanged}/{n} |")
print()
f, s = float(rows["first"][0]), float(rows["second"][0])
print(f"- Second download: **{rows['second'][1]} get-asset requests** (target 0 {'✓' if rows['second'][1] == '0' else '✗'}), "
      f"{s:.3f} s against {f:.3f} s for the first ({f / s:.1f}× faster)" if s > 0 else "")
PY
)
# ---------------------------------------------------------------- 5. WAN profile (Benchmarks/wan.sh)
wan_load=$(cut -d' ' -f1-3 /proc/loadavg)
if [ "${BENCH_SKIP_WAN:-0}" != 1 ]; then wan_section; fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
# Medians per client → the table, the ratios and the marks.
dl_report=$(python3 - "$work/dl-runs.txt" "$total_bytes" "$nfiles_total" "$PAR" "$sdk_ok" <<'PY'
import statistics, sys
runs, total, nfiles, par, sdk_ok = open(sys.argv[1]).read().split("\n"), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5] == "1"
by = {}
for line in filter(None, runs):
    name, wall, user, sys_, rss, srv, files = line.split()
    by.setdefault(name, []).append((float(wall), float(user) + float(sys_), int(rss), float(srv), int(files)))
def med(name, i): return statistics.median(r[i] for r in by[name])
labels = {"arty": "arty download (default: adaptive)", "curl": f"curl --parallel --parallel-max {par}",
          "curl50": "curl --parallel --parallel-max 50", "sdk": "SDK `LoggedArtifact.download()` (comet-ml 3.58.8)"}
print("| Client | Seconds (median) | Runs (s) | MiB/s | Client CPU s | Server CPU s | Peak RSS MiB | Files |")
print("|---|---:|---|---:|---:|---:|---:|---:|")
for name in ["arty", "curl", "curl50", "sdk"]:
    if name not in by: continue
    w = med(name, 0)
    runs_s = " ".join(f"{r[0]:.2f}" for r in by[name])
    print(f"| {labels[name]} | {w:.3f} | {runs_s} | {total / 1048576 / w:.0f} | {med(name, 1):.2f} | {med(name, 3):.2f} | "
          f"{max(r[2] for r in by[name]) // 1024} | {min(r[4] for r in by[name])}/{nfiles} |")
print()
a = med("arty", 0)
mark = lambda ok: "✓" if ok else "✗"
r_curl, r_curl50 = med("curl", 0) / a, med("curl50", 0) / a
rss = max(r[2] for r in by["arty"]) // 1024
print(f"- arty (adaptive) vs curl at 8: **{r_curl:.2f}×** curl's speed (target ≥ 0.95 {mark(r_curl >= 0.95)}); vs curl at 50: {r_curl50:.2f}×")
if sdk_ok and "sdk" in by:
    s = med("sdk", 0)
    r_sdk = s / a
    best = min(med("curl", 0), med("curl50", 0), a)
    cpu = med("sdk", 1) / med("arty", 1)
    print(f"- arty vs the SDK: **{r_sdk:.2f}×** the SDK's speed (target ≥ 3 {mark(r_sdk >= 3)}); "
          f"the fastest client of this run (curl or arty) is {s / best:.2f}× the SDK, the most any client reached here")
    print(f"- Client CPU (user + system) per download: the SDK spends **{cpu:.1f}×** arty's")
else:
    print("- arty vs the SDK: skipped (BENCH_SKIP_SDK=1)")
print(f"- Peak RSS of arty while downloading: **{rss} MiB** (target ≤ 64 {mark(rss <= 64)})")
PY
)

r_ls=$(ratio "$ls_arty" "$ls_curl")
mark() { python3 -c "import sys; print('✓' if eval(sys.argv[1]) else '✗')" "$1"; }

{
  echo "# arty benchmarks (issue 6)"
  echo
  [ $small = 1 ] && echo "**Small sizes (CI smoke run): not the issue's sizes; numbers are not meaningful.**" && echo
  echo "Produced by \`Benchmarks/run.sh$([ $small = 1 ] && echo ' --small')\` on $(date -u '+%Y-%m-%d %H:%M UTC')."
  echo
  echo "| Machine | |"
  echo "|---|---|"
  echo "| CPU | $cpu |"
  echo "| Cores (nproc) | $(nproc) |"
  echo "| Kernel | $(uname -r) |"
  echo "| Swift | $swiftv |"
  echo "| Load average (1/5/15 min) before → after | $load_before → $load_after |"
  echo "| curl | $(curl --version | head -n1 | cut -d' ' -f1-2) |"
  echo
  echo "Every figure compares tools measured in the same run, one after the other, so the ratio is what counts;"
  echo "absolute times drift with the machine's load (the load average above says how busy it was)."
  echo
  echo "## 1. UI scale: pure reduce + render (release \`arty-bench ui\`)"
  echo
  echo "Per key: \`reduce\` of the key action plus \`render\` of the new state at 160×48, timed one key at a time over a"
  echo "script of moves, pages, ends, sorts and a filter typed and cleared; previews load (untimed) between keys."
  echo
  echo "$ui"
  echo
  echo "### Folder tree view (issue 13, \`T\` in the assets pane; release \`arty-bench tree\`)"
  echo
  echo "$ASSETS assets in nested folders (\`data/{train,test,valid}/class-NNN/batch-N/\`; one asset in"
  echo "ten straight in \`dump/\`; one in fifty a remote link). Keys (reduce + render at 160×48, thread CPU time): moves and pages"
  echo "at the root, in a leaf folder and in the flat \`dump/\` folder, \`l\`/\`h\` through folders, the three sorts and their"
  echo "reverse, a filter typed, walked into and cleared, and \`T\` back and forth; previews load (untimed) between keys."
  echo
  echo "$tree"
  echo
  echo "### The real binary (\`arty browse\` in tmux, 160×48, against \`arty serve\`)"
  echo
  echo "Wall times seen from outside (tmux capture polled every 10 ms, so ±10 ms plus tmux's own cost): they include"
  echo "HTTP, JSON decoding, reduce and render."
  echo
  echo "| Step | Seconds |"
  echo "|---|---:|"
  echo "| Start → artifacts pane of $ARTIFACTS rows drawn | $tui_start |"
  echo "| Open many-assets → version preview with its $ASSETS assets drawn (versions + version/files requests) | $tui_assets |"
  echo "| Type a 11-character filter over $ASSETS rows (11 keystrokes) → match drawn | $tui_filter |"
  echo
  echo "- RSS of \`arty browse\`: $((rss_before / 1024)) MiB before the assets load, $((rss_after / 1024)) MiB after (peak $((hwm_tui / 1024)) MiB): **$tui_row_bytes bytes of RSS per asset row** (includes the decoded response's allocator slack)"
  echo "- Peak RSS of \`arty browse\` after the same version's tree view (\`T\`, a folder entered): **$((hwm_tree / 1024)) MiB** (target ≤ 128 $( [ $((hwm_tree / 1024)) -le 128 ] && echo ✓ || echo ✗))"
  echo "- Asset preview of a 10 MiB CSV in the real binary (\`p\` → its columns drawn; one \`Range\` request for 64 KiB), median of 3 fresh processes: **${tui_preview} s** (runs: ${preview_times[*]})"
  echo
  echo "#### Asset previews, pure (release \`arty-bench preview\`)"
  echo
  echo "The 64 KiB head of a 10 MiB asset arrives → the preview's first frame (reduce of the fetched bytes, which sniffs the content and lays it out, plus render at 160×48), thread CPU time, 7 rounds; then scrolling the loaded preview."
  echo
  echo "$preview_bench"
  echo
  echo "## 2. Download throughput over loopback"
  echo
  echo "One version of $NFILES × $FILE_KIB KiB + $NBIG × $BIG_MIB MiB files ($((total_bytes / 1048576)) MiB), served by \`arty serve\` on 127.0.0.1,"
  echo "fetched into an empty folder on $out_fs by each client in turn (same get-asset URLs, built from \`arty ls --json\`),"
  echo "$ROUNDS rounds of arty → curl → curl×50 → SDK; the median of each is compared. Client CPU is user + system time"
  echo "of the client process; server CPU is what \`arty serve\` spent on that client's run (both on the same 2 cores)."
  echo
  echo "$dl_report"
  echo
  echo "## 2b. Downloading an unchanged version again (issue 11)"
  echo
  echo "One version of $AGAIN_SMALL × $AGAIN_SMALL_KIB KiB + $AGAIN_BIG × $AGAIN_BIG_MIB MiB files ($(python3 -c "import sys; print(f'{int(sys.argv[1]) / 1048576:g}')" "$again_bytes") MiB), downloaded by \`arty download\`"
  echo "(default --overwrite fail) into one folder on $again_fs, then again into the same folder; get-asset requests are counted"
  echo "by the server (\`arty serve --request-log\`). Wall time of the whole command, planning included."
  echo
  echo "$again_report"
  echo
  echo "## 3. Listing latency: \`arty ls --json bench\` ($ls_rows artifacts), cold process"
  echo
  echo "| Client | Median of $runs (s) |"
  echo "|---|---:|"
  echo "| arty ls --json (new process, decode, JSON out) | $ls_arty |"
  echo "| curl of the same get-all endpoint | $ls_curl |"
  echo
  echo "- arty / curl: **$r_ls×** (target ≤ 2 $(mark "$r_ls <= 2"))"
  echo
  echo "## 4. Registry (\`arty serve\`)"
  echo
  echo "Seeded in process through the store API (\`arty-bench seed\`, one SQLite transaction): $seed."
  echo
  echo "| Endpoint | Rows | Bytes | TTFB s | Total s |"
  echo "|---|---:|---:|---:|---:|"
  echo "| artifacts/get-all | $ARTIFACTS | $ga_bytes | $ga_ttfb | $ga_total |"
  echo "| artifacts/version/files | $ASSETS | $vf_bytes | $vf_ttfb | $vf_total |"
  echo
  echo "Concurrent downloads (curl --parallel-immediate, one 1 KiB asset each, all at once):"
  echo
  echo "| N | HTTP 200 | Seconds |"
  echo "|---:|---:|---:|"
  echo -n "$conc_rows"
  echo
  echo "- Largest N held with no errors (tried up to $(echo $CONCURRENCY | awk '{print $NF}')): **$held**"
  echo
  if [ "${BENCH_SKIP_WAN:-0}" != 1 ]; then wan_report "$wan_load"; fi
  [ $small = 0 ] && [ -f "$root/Benchmarks/notes.md" ] && cat "$root/Benchmarks/notes.md"
} > "$out"
echo "bench: wrote $out" >&2
[ $small = 1 ] && cat "$out"
exit 0
