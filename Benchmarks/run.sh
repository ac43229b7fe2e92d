#!/usr/bin/env bash
# Issue-6 benchmarks: arty side by side with curl and the official Python SDK, in one run, as ratios.
#   Benchmarks/run.sh            full sizes; writes BENCHMARKS.md (needs ~5 GiB free and a few minutes)
#   Benchmarks/run.sh --small    tiny sizes for CI (well under a minute); writes .build/BENCHMARKS-small.md
# Everything runs on 127.0.0.1 against a throw-away `arty serve`, stopped and deleted at the end.
# Environment: ARTY_BENCH_TMP (scratch parent, default .build/), BENCH_SKIP_SDK=1 (no Python SDK figure).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
small=0
[ "${1:-}" = "--small" ] && small=1

if [ $small = 1 ]; then
  ARTIFACTS=300; VERSIONS=200; ASSETS=3000
  NFILES=20; FILE_KIB=64; NBIG=2; BIG_MIB=2
  CONCURRENCY="8 32"
  out="$root/.build/BENCHMARKS-small.md"
else
  ARTIFACTS=10000; VERSIONS=5000; ASSETS=100000
  NFILES=1000; FILE_KIB=1024; NBIG=4; BIG_MIB=256
  CONCURRENCY="16 32 64 128 256"
  out="$root/BENCHMARKS.md"
fi
KEY=bench-key-0123456789abcdef
PAR=4   # arty download's default --parallel

command -v /usr/bin/time >/dev/null || { sudo apt-get install -y time >/dev/null 2>&1 || apt-get install -y time >/dev/null; }

echo "bench: building release" >&2
swift build -c release --product arty >&2
swift build -c release --product arty-bench >&2
bin="$root/.build/release"

mkdir -p "${ARTY_BENCH_TMP:-$root/.build}"
work=$(mktemp -d "${ARTY_BENCH_TMP:-$root/.build}/bench-work.XXXXXX")
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.4f}')" "$1" "$2"; }
ratio() { python3 -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print(f'{a / b:.2f}' if b > 0 else 'n/a')" "$1" "$2"; }
mbps() { python3 -c "import sys; print(f'{float(sys.argv[1]) / 1048576 / float(sys.argv[2]):.0f}')" "$1" "$2"; }
maxrss_kib() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"; }

start_server() {  # DATA_DIR → sets server_pid, URL (override) and BASE (REST v2)
  "$bin/arty" serve --data "$1" --port 0 --api-key "$KEY" > "$work/serve.out" 2> "$work/serve.err" &
  server_pid=$!
  for _ in $(seq 1 200); do
    URL=$(sed -n 's/^COMET_URL_OVERRIDE=//p' "$work/serve.out")
    [ -n "$URL" ] && break
    sleep 0.05
  done
  [ -n "$URL" ] || { cat "$work/serve.err" >&2; echo "bench: arty serve did not start" >&2; exit 1; }
  BASE="${URL%/clientlib/}/api/rest/v2"
  export COMET_URL_OVERRIDE="$URL" COMET_API_KEY="$KEY" COMET_WORKSPACE=bench
}
stop_server() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""; }

# Machine and load, for the report.
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
swiftv=$(swift --version 2>&1 | head -n1)

# ---------------------------------------------------------------- 1. UI (pure reduce + render)
echo "bench: 1. UI, $ARTIFACTS artifacts / $VERSIONS versions / $ASSETS assets" >&2
ui=$("$bin/arty-bench" ui --artifacts $ARTIFACTS --versions $VERSIONS --assets $ASSETS)

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
tm send-keys q; sleep 0.2; tm kill-server 2>/dev/null || true
tui_row_bytes=$(( (rss_after - rss_before) * 1024 / ASSETS ))

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
echo "bench: 2. download throughput: $NFILES × $FILE_KIB KiB + $NBIG × $BIG_MIB MiB" >&2
mkdir -p "$work/files/small" "$work/files/big"
for i in $(seq -w 1 "$NFILES"); do head -c $((FILE_KIB * 1024)) /dev/urandom > "$work/files/small/f$i.bin"; done
for i in $(seq 1 "$NBIG"); do head -c $((BIG_MIB * 1048576)) /dev/urandom > "$work/files/big/b$i.bin"; done
total_bytes=$(( NFILES * FILE_KIB * 1024 + NBIG * BIG_MIB * 1048576 ))
nfiles_total=$((NFILES + NBIG))
start_server "$work/dl-reg"
"$bin/arty" log "$work/files" --artifact big --type dataset --workspace bench --json > "$work/logged.json"
rm -rf "$work/files"
"$bin/arty" ls --json bench/big:1.0.0 > "$work/assets.json"
"$bin/arty" ls --json bench/big > "$work/versions.json"
python3 - "$work/assets.json" "$BASE" "$work/curl-out" "$work/versions.json" > "$work/dl.cfg" <<'PY'
import json, sys
rows, base, out = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
vid = [r for r in json.load(open(sys.argv[4])) if r["version"] == "1.0.0"][0]["artifactVersionId"]
for a in rows:
    print(f'url = "{base}/experiment/asset/get-asset?assetId={a["assetId"]}&artifactVersionId={vid}"')
    print(f'output = "{out}/{a["logicalPath"]}"')
PY
sync
t0=$(now); /usr/bin/time -v -o "$work/arty.time" "$bin/arty" download bench/big:1.0.0 "$work/arty-out" --json > "$work/arty-dl.json"; t1=$(now)
dl_arty=$(elapsed "$t0" "$t1"); rss_arty=$(maxrss_kib "$work/arty.time")
files_arty=$(find "$work/arty-out" -type f -name '*.bin' | wc -l)
rm -rf "$work/arty-out"; sync
t0=$(now); /usr/bin/time -v -o "$work/curl.time" curl -sS --no-progress-meter --fail --parallel --parallel-max $PAR --create-dirs -H "$H" -K "$work/dl.cfg"; t1=$(now)
dl_curl=$(elapsed "$t0" "$t1"); rss_curl=$(maxrss_kib "$work/curl.time")
files_curl=$(find "$work/curl-out" -type f | wc -l)
rm -rf "$work/curl-out"; sync
t0=$(now); curl -sS --no-progress-meter --fail --parallel --parallel-max 50 --create-dirs -H "$H" -K "$work/dl.cfg"; t1=$(now)
dl_curl50=$(elapsed "$t0" "$t1")
rm -rf "$work/curl-out"; sync
sdk_row="| SDK \`LoggedArtifact.download()\` (comet-ml 3.58.8) | skipped | | | |"
sdk_ratio="n/a"
if [ "${BENCH_SKIP_SDK:-0}" != 1 ]; then
  venv="$root/.venv-compat"
  if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import comet_ml, sys; sys.exit(comet_ml.__version__ != "3.58.8")' 2>/dev/null; then
    python3 -m venv "$venv"; "$venv/bin/pip" install -q --disable-pip-version-check comet-ml==3.58.8 pytest >&2
  fi
  mkdir -p "$work/home"
  t0=$(now)
  HOME="$work/home" COMET_ERROR_TRACKING_ENABLE=false /usr/bin/time -v -o "$work/sdk.time" \
    "$venv/bin/python" "$root/Benchmarks/sdk_download.py" bench big 1.0.0 "$work/sdk-out" > "$work/sdk.out" 2> "$work/sdk.err" \
    || { tail -5 "$work/sdk.err" >&2; echo "bench: SDK download failed" >&2; exit 1; }
  t1=$(now)
  dl_sdk=$(tail -n1 "$work/sdk.out"); dl_sdk_wall=$(elapsed "$t0" "$t1"); rss_sdk=$(maxrss_kib "$work/sdk.time")
  files_sdk=$(find "$work/sdk-out" -type f -name '*.bin' | wc -l)
  rm -rf "$work/sdk-out"
  sdk_ratio=$(ratio "$dl_sdk" "$dl_arty")
  sdk_row="| SDK \`LoggedArtifact.download()\` (comet-ml 3.58.8) | $dl_sdk (wall $dl_sdk_wall) | $(mbps $total_bytes "$dl_sdk") | $((rss_sdk / 1024)) | $files_sdk/$nfiles_total |"
fi
stop_server
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

r_curl=$(ratio "$dl_curl" "$dl_arty")
r_curl50=$(ratio "$dl_curl50" "$dl_arty")
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
  echo "absolute times drift with the machine's load (other jobs were compiling on this 2-core machine)."
  echo
  echo "## 1. UI scale: pure reduce + render (release \`arty-bench ui\`)"
  echo
  echo "Per key: \`reduce\` of the key action plus \`render\` of the new state at 160×48, timed one key at a time over a"
  echo "script of moves, pages, ends, sorts and a filter typed and cleared; previews load (untimed) between keys."
  echo
  echo "$ui"
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
  echo
  echo "## 2. Download throughput over loopback"
  echo
  echo "One version of $NFILES × $FILE_KIB KiB + $NBIG × $BIG_MIB MiB files ($((total_bytes / 1048576)) MiB), served by \`arty serve\` on 127.0.0.1,"
  echo "fetched into an empty folder by each client in turn (same get-asset URLs, built from \`arty ls --json\`)."
  echo
  echo "| Client | Seconds | MiB/s | Peak RSS MiB | Files |"
  echo "|---|---:|---:|---:|---:|"
  echo "| arty download (default --parallel $PAR) | $dl_arty | $(mbps $total_bytes "$dl_arty") | $((rss_arty / 1024)) | $files_arty/$nfiles_total |"
  echo "| curl --parallel --parallel-max $PAR | $dl_curl | $(mbps $total_bytes "$dl_curl") | $((rss_curl / 1024)) | $files_curl/$nfiles_total |"
  echo "| curl --parallel --parallel-max 50 | $dl_curl50 | $(mbps $total_bytes "$dl_curl50") | | |"
  echo "$sdk_row"
  echo
  echo "- arty vs curl (same parallelism): **$r_curl×** curl's speed (target ≥ 0.9 $(mark "$r_curl >= 0.9")); vs curl at 50: $r_curl50×"
  echo "- arty vs the SDK: **$sdk_ratio×** the SDK's speed (target ≥ 3 $([ "$sdk_ratio" = n/a ] && echo '-' || mark "$sdk_ratio >= 3"))"
  echo "- Peak RSS of arty while downloading: **$((rss_arty / 1024)) MiB** (target ≤ 64 $(mark "$rss_arty <= 65536"))"
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
  [ $small = 0 ] && [ -f "$root/Benchmarks/notes.md" ] && cat "$root/Benchmarks/notes.md"
} > "$out"
echo "bench: wrote $out" >&2
[ $small = 1 ] && cat "$out"
exit 0
