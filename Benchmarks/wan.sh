# Issue-12 WAN profile, sourced by Benchmarks/run.sh (not run on its own): uses run.sh's variables (root, bin, work,
# small, KEY, PAR, venv) and helpers (start_server, stop_server, now, elapsed, ensure_sdk_venv).
# wan_section: logs three versions on a local `arty serve`, puts Benchmarks/wanproxy.py in front of it and times
# every client through the proxy (downloads, then uploads); writes the report's section to $work/wan.md.
# Environment: BENCH_WAN_ROUNDS (download rounds per case, default 3; 1 with --small), BENCH_WAN_COMETX_ROUNDS (of
# those, how many include cometx, default 1: it downloads through the SDK's LoggedArtifact.download, so it tracks the
# SDK), BENCH_WAN_UP_ROUNDS (upload rounds, default 2; 1 with --small), BENCH_WAN_DELAY_MS (one-way, 25),
# BENCH_WAN_LINK_MBPS (100), BENCH_WAN_CONN_MBPS (8) (MB = 10^6 bytes), BENCH_SKIP_SDK=1 (no SDK or cometx figure).
# Full sizes took 17 min on the 2-core machine with other builds running (most of it single 8 MB/s streams on (b)
# and (c): the SDK, cometx and arty before issue 12).

proxy_pid=""
wan_fs=""  # the file system of $wan_dir (run.sh), for the report
stop_proxy() {
  if [ -n "$proxy_pid" ]; then kill "$proxy_pid" 2>/dev/null || true; wait "$proxy_pid" 2>/dev/null || true; proxy_pid=""; fi
}
start_proxy() {  # ARGS… (wanproxy options) → sets proxy_pid, PURL (override through the proxy), PBASE (REST v2)
  local port=${URL#http://127.0.0.1:}; port=${port%%/*}
  : > "$work/proxy.out"
  python3 "$root/Benchmarks/wanproxy.py" --listen 127.0.0.1:0 --target "127.0.0.1:$port" "$@" \
    > "$work/proxy.out" 2> "$work/proxy.err" &
  proxy_pid=$!
  local listen
  listen=$(announced "$work/proxy.out" WANPROXY_LISTEN)
  [ -n "$listen" ] || { cat "$work/proxy.err" >&2; echo "bench: wanproxy did not start" >&2; exit 1; }
  PURL="http://$listen/clientlib/"
  PBASE="http://$listen/api/rest/v2"
}
proxy_stats() {  # → "UP DOWN CPU": bytes carried each way and the proxy's CPU seconds, so far
  local n; n=$(grep -c '^WANPROXY_STATS' "$work/proxy.out" || true)
  kill -USR1 "$proxy_pid"
  for _ in $(seq 1 500); do
    [ "$(grep -c '^WANPROXY_STATS' "$work/proxy.out" || true)" -gt "$n" ] && break
    sleep 0.01
  done
  grep '^WANPROXY_STATS' "$work/proxy.out" | tail -n1 | sed 's/.* up=\([0-9]*\) down=\([0-9]*\) .* cpu=\([0-9.]*\).*/\1 \2 \3/'
}

make_files() {  # DIR COUNT BYTES PREFIX → COUNT files of random bytes, DIR/PREFIXnnnn.bin
  python3 - "$@" <<'PY'
import os, sys
folder, count, size, prefix = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
os.makedirs(folder, exist_ok=True)
width = len(str(count))
for i in range(1, count + 1):
    with open(os.path.join(folder, f"{prefix}{i:0{width}d}.bin"), "wb") as f:
        left = size
        while left:
            n = min(left, 8 << 20)
            f.write(os.urandom(n))
            left -= n
PY
}

wan_client() {  # CASE NAME DEST CMD… → one line in wan-runs.txt: case name seconds down-bytes proxy-cpu files
  local case=$1 name=$2 dest=$3; shift 3
  rm -rf "${wan_dir:?}"/*
  [ "$wan_fs" = tmpfs ] || sync  # on a disk, the previous client's writes are flushed before the next one is timed
  local s0 s1 t0 t1 secs
  s0=$(proxy_stats); t0=$(now)
  env COMET_URL_OVERRIDE="$PURL" HOME="$work/home" COMET_ERROR_TRACKING_ENABLE=false "$@" \
    > "$work/client.out" 2> "$work/client.err" \
    || { tail -5 "$work/client.err" >&2; echo "bench: WAN $name on ($case) failed" >&2; exit 1; }
  t1=$(now); s1=$(proxy_stats)
  (cd "$dest" && sha256sum --quiet --strict -c "$work/wan-$case.sha256" >&2) \
    || { echo "bench: WAN $name on ($case) wrote files that differ from the logged ones" >&2; exit 1; }
  secs=$(elapsed "$t0" "$t1")
  # The Python clients time themselves after their imports (the SDK: second-to-last line; cometx: last line).
  [ "$name" = sdk ] && secs=$(tail -n2 "$work/client.out" | head -n1)
  [ "$name" = cometx ] && secs=$(tail -n1 "$work/client.out")
  echo "$case $name $secs $s0 $s1 $(find "$dest" -type f -name '*.bin' | wc -l)" >> "$work/wan-runs.txt"
}

wan_upload() {  # CASE NAME CMD… → one line in wan-up-runs.txt: case name seconds up-bytes proxy-cpu
  local case=$1 name=$2; shift 2
  local s0 s1 t0 t1 secs version
  s0=$(proxy_stats); t0=$(now)
  env COMET_URL_OVERRIDE="$PURL" HOME="$work/home" COMET_ERROR_TRACKING_ENABLE=false "$@" \
    > "$work/client.out" 2> "$work/client.err" \
    || { tail -5 "$work/client.err" >&2; echo "bench: WAN upload $name of ($case) failed" >&2; exit 1; }
  t1=$(now); s1=$(proxy_stats)
  secs=$(elapsed "$t0" "$t1")
  if [ "$name" = sdk ]; then
    secs=$(tail -n3 "$work/client.out" | head -n1); version=$(tail -n1 "$work/client.out")
  else
    version=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["version"])' "$work/client.out")
  fi
  rm -rf "${wan_dir:?}"/*
  "$bin/arty" download "bench/up-$case-$name:$version" "$wan_dir/back" --json > /dev/null 2> "$work/back.err" \
    || { tail -5 "$work/back.err" >&2; echo "bench: reading back the upload of $name ($case) failed" >&2; exit 1; }
  local back="$wan_dir/back"
  [ "$name" = sdk ] && back="$wan_dir/back/$case"  # the SDK's Artifact.add(folder) prefixes the folder's name
  (cd "$back" && sha256sum --quiet --strict -c "$work/wan-$case.sha256" >&2) \
    || { echo "bench: the upload of $name ($case) stored files that differ from the sent ones" >&2; exit 1; }
  echo "$case $name $secs $s0 $s1" >> "$work/wan-up-runs.txt"
}

wan_section() {
  local delay=${BENCH_WAN_DELAY_MS:-25} link=${BENCH_WAN_LINK_MBPS:-100} conn=${BENCH_WAN_CONN_MBPS:-8}
  local a_n a_kib b_mib c_n c_kib c_big c_big_mib rounds up_rounds cx_rounds=${BENCH_WAN_COMETX_ROUNDS:-1}
  if [ "$small" = 1 ]; then
    a_n=40; a_kib=64; b_mib=8; c_n=100; c_kib=64; c_big=2; c_big_mib=8; rounds=${BENCH_WAN_ROUNDS:-1}; up_rounds=${BENCH_WAN_UP_ROUNDS:-1}
  else
    a_n=400; a_kib=64; b_mib=128; c_n=1000; c_kib=64; c_big=4; c_big_mib=256; rounds=${BENCH_WAN_ROUNDS:-3}; up_rounds=${BENCH_WAN_UP_ROUNDS:-2}
  fi
  local src="$work/wan-src" wan_t0=$SECONDS
  rm -rf "$src"
  echo "bench: 5. [$((SECONDS - wan_t0)) s] WAN profile: generating (a) $a_n × $a_kib KiB, (b) 1 × $b_mib MiB, (c) $c_n × $c_kib KiB + $c_big × $c_big_mib MiB" >&2
  make_files "$src/a/small" "$a_n" $((a_kib * 1024)) f
  make_files "$src/b" 1 $((b_mib * 1048576)) big
  make_files "$src/c/small" "$c_n" $((c_kib * 1024)) s
  make_files "$src/c/big" "$c_big" $((c_big_mib * 1048576)) b
  local case
  : > "$work/wan-cases.txt"
  for case in a b c; do  # case bytes files
    (cd "$src/$case" && find . -type f -print0 | sort -z | xargs -0 sha256sum) > "$work/wan-$case.sha256"
    echo "$case $(find "$src/$case" -type f -printf '%s\n' | awk '{s += $1} END {print s}') $(find "$src/$case" -type f | wc -l)" >> "$work/wan-cases.txt"
  done

  start_server "$work/wan-reg"
  for case in a b c; do
    "$bin/arty" log "$src/$case" --artifact "wan-$case" --type dataset --workspace bench --json > /dev/null
  done
  rm -rf "$src/c"  # a and b stay: the upload side sends them again

  local sdk=0
  if [ "${BENCH_SKIP_SDK:-0}" != 1 ]; then ensure_sdk_venv; sdk=1; mkdir -p "$work/home"; fi

  local bytes_c_big=$((c_big * c_big_mib * 1048576))
  local wan_parent="${ARTY_BENCH_OUT:-}"
  if [ -z "$wan_parent" ] && [ -d /dev/shm ] && [ "$(df -k --output=avail /dev/shm | tail -n1)" -gt $(( bytes_c_big / 1024 * 3 / 2 + 65536 )) ]; then
    wan_parent=/dev/shm
  fi
  [ -n "$wan_parent" ] || wan_parent="$work"
  wan_dir=$(mktemp -d "$wan_parent/arty-bench-wan.XXXXXX")
  wan_fs=$(df --output=fstype "$wan_dir" | tail -n1)

  # The proxy's own ceiling on this machine: no delay, no caps; curl fetches (c)'s big files at once through it.
  echo "bench: 5. [$((SECONDS - wan_t0)) s] wanproxy capacity (unshaped)" >&2
  start_proxy --delay-ms 0 --link-MBps 0 --conn-MBps 0
  "$bin/arty" ls --json bench/wan-c:1.0.0 > "$work/wan-c-assets.json"
  "$bin/arty" ls --json bench/wan-c > "$work/wan-c-versions.json"
  python3 - "$work/wan-c-assets.json" "$work/wan-c-versions.json" "$PBASE" <<'PY' > "$work/cap.cfg"
import json, sys
rows, base = json.load(open(sys.argv[1])), sys.argv[3]
vid = [r for r in json.load(open(sys.argv[2])) if r["version"] == "1.0.0"][0]["artifactVersionId"]
for a in rows:
    if a["logicalPath"].startswith("big/"):
        print(f'url = "{base}/experiment/asset/get-asset?assetId={a["assetId"]}&artifactVersionId={vid}"')
        print('output = "/dev/null"')
PY
  local s0 s1 t0 t1
  s0=$(proxy_stats); t0=$(now)
  curl -sS --no-progress-meter --fail --parallel --parallel-max "$c_big" -H "Authorization: $KEY" -K "$work/cap.cfg"
  t1=$(now); s1=$(proxy_stats)
  echo "$(elapsed "$t0" "$t1") $s0 $s1" > "$work/wan-capacity.txt"
  stop_proxy

  start_proxy --delay-ms "$delay" --link-MBps "$link" --conn-MBps "$conn"
  local profile; profile=$(head -n1 "$work/proxy.out")
  echo "bench: 5. [$((SECONDS - wan_t0)) s] $profile" >&2
  # Self-check of the profile: one connection, one big answer: first byte after 2 round trips, then the per-connection rate.
  "$bin/arty" ls --json bench/wan-b:1.0.0 > "$work/wan-b-assets.json"
  "$bin/arty" ls --json bench/wan-b > "$work/wan-b-versions.json"
  local b_url
  b_url=$(python3 - "$work/wan-b-assets.json" "$work/wan-b-versions.json" "$PBASE" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))[0]
vid = [r for r in json.load(open(sys.argv[2])) if r["version"] == "1.0.0"][0]["artifactVersionId"]
print(f'{sys.argv[3]}/experiment/asset/get-asset?assetId={a["assetId"]}&artifactVersionId={vid}')
PY
)
  curl -sS -o /dev/null -H "Authorization: $KEY" -w '%{time_connect} %{time_starttransfer} %{time_total} %{size_download}\n' "$b_url" > "$work/wan-check.txt"

  # Downloads: every case, every round, every client in turn; each client's files are checked by sha256.
  : > "$work/wan-runs.txt"
  local round
  for case in a b c; do
    curl_config "wan-$case" "$PBASE" "$wan_dir/curl" > "$work/wan-$case.cfg"
    for round in $(seq 1 "$rounds"); do
      echo "bench: 5. [$((SECONDS - wan_t0)) s] WAN downloads ($case), round $round/$rounds" >&2
      wan_client "$case" arty "$wan_dir/arty" "$bin/arty" download "bench/wan-$case:1.0.0" "$wan_dir/arty" --json
      # --parallel-immediate: without it curl 7.88 waits to learn whether the first connection multiplexes and, with
      # long HTTP/1.1 answers, runs (c)'s big files two at a time (67 s instead of 34 in a trial run).
      wan_client "$case" curl "$wan_dir/curl" curl -sS --no-progress-meter --fail --parallel --parallel-immediate --parallel-max "$WAN_PAR" \
        --create-dirs -H "Authorization: $KEY" -K "$work/wan-$case.cfg"
      if [ $sdk = 1 ]; then
        wan_client "$case" sdk "$wan_dir/sdk" "$venv/bin/python" "$root/Benchmarks/sdk_download.py" bench "wan-$case" 1.0.0 "$wan_dir/sdk"
        if [ "$round" -le "$cx_rounds" ]; then
          wan_client "$case" cometx "$wan_dir/cometx/bench/artifacts/wan-$case" \
            "$venv/bin/python" "$root/Benchmarks/cometx_download.py" bench "wan-$case" 1.0.0 "$wan_dir/cometx"
        fi
      fi
    done
  done
  rm -rf "${wan_dir:?}"/*

  # Uploads of (a) and (b): arty log and the SDK's log_artifact through the proxy, each a new version; every
  # uploaded version is fetched back over loopback (not timed) and checked by sha256.
  : > "$work/wan-up-runs.txt"
  for case in a b; do
    for round in $(seq 1 "$up_rounds"); do
      echo "bench: 5. [$((SECONDS - wan_t0)) s] WAN uploads ($case), round $round/$up_rounds" >&2
      wan_upload "$case" arty "$bin/arty" log "$src/$case" --artifact "up-$case-arty" --type dataset --workspace bench --json
      if [ $sdk = 1 ]; then
        wan_upload "$case" sdk "$venv/bin/python" "$root/Benchmarks/sdk_upload.py" bench "up-$case-sdk" "$src/$case"
      fi
    done
  done
  rm -rf "$wan_dir" "$src"; wan_dir=""
  stop_proxy
  stop_server

  python3 - "$work" "$delay" "$link" "$conn" "$rounds $cx_rounds $up_rounds" "$WAN_PAR" "$wan_fs" "$profile" "$a_n" "$a_kib" "$b_mib" "$c_n" "$c_kib" "$c_big" "$c_big_mib" \
    > "$work/wan.md" <<'PY'
import statistics, sys
work, delay, link, conn, rounds, par, fs, profile = sys.argv[1:9]
rounds, cx_rounds, up_rounds = map(int, rounds.split())
cx_rounds = min(cx_rounds, rounds)
a_n, a_kib, b_mib, c_n, c_kib, c_big, c_big_mib = map(int, sys.argv[9:16])
delay, link, conn = float(delay), float(link), float(conn)
rtt = 2 * delay / 1000
cases = {}
for line in open(f"{work}/wan-cases.txt"):
    c, b, n = line.split()
    cases[c] = (int(b), int(n))
titles = {"a": f"(a) {a_n} × {a_kib} KiB", "b": f"(b) 1 × {b_mib} MiB",
          "c": f"(c) {c_n} × {c_kib} KiB + {c_big} × {c_big_mib} MiB"}
labels = {"arty": "arty download (its default)", "curl": f"curl --parallel --parallel-immediate --parallel-max {par}",
          "sdk": "SDK `LoggedArtifact.download()` (comet-ml 3.58.8)", "cometx": "`cometx download` (cometx 3.6.11)"}
up_labels = {"arty": "arty log", "sdk": "SDK `Experiment.log_artifact` (comet-ml 3.58.8)"}
def limit(nbytes):  # seconds the link needs: bytes / link rate + one round trip
    return nbytes / (link * 1e6) + rtt if link else rtt
def mark(ok): return "✓" if ok else "✗"

def parse(path, with_files):
    by = {}
    for line in open(path):
        f = line.split()
        if not f: continue
        case, name, secs = f[0], f[1], float(f[2])
        up0, down0, cpu0, up1, down1, cpu1 = map(float, f[3:9])
        files = int(f[9]) if with_files else None
        by.setdefault((case, name), []).append((secs, up1 - up0, down1 - down0, cpu1 - cpu0, files))
    return by

cap = open(f"{work}/wan-capacity.txt").read().split()
cap_secs, cap_up0, cap_down0, cap_cpu0, cap_up1, cap_down1, cap_cpu1 = map(float, cap)
cap_mbps = (cap_down1 - cap_down0) / 1e6 / cap_secs
connect, ttfb, total, size = map(float, open(f"{work}/wan-check.txt").read().split())
check_rate = size / 1e6 / (total - ttfb) if total > ttfb else 0

out = []
p = out.append
p(f"Profile: **one-way delay {delay:g} ms in each direction (round trip {2 * delay:g} ms), link {link:g} MB/s each way shared by")
p(f"all connections, {conn:g} MB/s per TCP connection each way** (MB = 10^6 bytes), made by `Benchmarks/wanproxy.py` between")
p("the clients and `arty serve` on 127.0.0.1; a new connection waits one round trip before its first byte goes through, as a")
p("TCP handshake does. No loss and no slow start are modelled. As the proxy printed it:")
p("")
p(f"    {profile}")
p("")
p(f"- Profile check (one `curl` of (b) through the proxy): connect {connect:.3f} s, first byte after **{ttfb:.3f} s** "
  f"(2 round trips = {2 * rtt:.3f} s expected: handshake, then request and answer), then **{check_rate:.2f} MB/s** "
  f"(the per-connection cap: {conn:g}).")
p(f"- Proxy capacity on this machine: **{cap_mbps:.0f} MB/s** unshaped (`--delay-ms 0 --link-MBps 0 --conn-MBps 0`, "
  f"curl fetching (c)'s {c_big} big files at once through it; the proxy spent {cap_cpu1 - cap_cpu0:.2f} s of CPU on "
  f"{(cap_down1 - cap_down0) / 1e6:.0f} MB)" + (f", so a {link:g} MB/s profile is not limited by it." if cap_mbps > 1.5 * link
  else f": **not clearly above the profile's {link:g} MB/s link here** (a loaded machine, or sizes too small to tell)."))
p("")
p(f"Each case is a version logged with `arty log` over loopback; each client then fetches it through the proxy into an empty")
p(f"folder on {fs}, {rounds} round{'s' if rounds != 1 else ''} of arty → curl → SDK" + (f" → cometx (cometx in the first {'round' if cx_rounds == 1 else f'{cx_rounds} rounds'} only: it downloads"
  " through the SDK's `LoggedArtifact.download`, so it tracks the SDK)" if cx_rounds < rounds else " → cometx") + ", the median of each")
p("compared; every client's files are checked by sha256 against the logged ones.")
p("arty and curl are timed as whole processes; the SDK and cometx from the creation of their API client to the end of the")
p("download (their Python imports, 1–3 s more, are not counted). curl fetches the same get-asset URLs (built from")
p("`arty ls --json`). **Link limit = bytes / link rate + one round trip**; \"of link\" = link limit / client's seconds (1.0 would")
p("be the link's own speed); \"× SDK\" = the SDK's seconds / client's seconds (above 1: faster than the SDK). \"Proxy MB\" is")
p("what the proxy carried towards the client during the run (checks that the client went through it).")
p("")
runs = parse(f"{work}/wan-runs.txt", True)
summary = {}
for case in "abc":
    nbytes, nfiles = cases[case]
    lim = limit(nbytes)
    p(f"### {titles[case]}: {nbytes / 1048576:g} MiB, {nfiles} file{'s' if nfiles != 1 else ''}; link limit {lim:.2f} s")
    p("")
    p("| Client | Seconds (median) | Runs (s) | MB/s | × SDK | Of link | Proxy MB | Proxy CPU s | Files |")
    p("|---|---:|---|---:|---:|---:|---:|---:|---:|")
    sdk = statistics.median(r[0] for r in runs[(case, "sdk")]) if (case, "sdk") in runs else None
    for name in ["arty", "curl", "sdk", "cometx"]:
        rs = runs.get((case, name))
        if not rs: continue
        m = statistics.median(r[0] for r in rs)
        x_sdk = f"{sdk / m:.2f}" if sdk else "n/a"
        p(f"| {labels[name]} | {m:.3f} | {' '.join(f'{r[0]:.2f}' for r in rs)} | {nbytes / 1e6 / m:.1f} | {x_sdk} | "
          f"{lim / m:.2f} | {statistics.median(r[2] for r in rs) / 1e6:.0f} | {statistics.median(r[3] for r in rs):.2f} | "
          f"{min(r[4] for r in rs)}/{nfiles} |")
        summary[(case, name)] = (m, sdk / m if sdk else None, lim / m)
    p("")
p("### Uploads through the same proxy")
p("")
p(f"{up_rounds} round{'s' if up_rounds != 1 else ''}; each run logs a new version of (a) or (b) through the proxy; the uploaded version is then downloaded over loopback (not")
p("timed) and checked by sha256. arty log is timed as a whole process; the SDK from the `Experiment`'s creation to")
p("`Experiment.end()` (which waits for the uploads), its imports not counted.")
p("")
p("| Case | Client | Seconds (median) | Runs (s) | MB/s | × SDK | Of link | Proxy MB up | Proxy CPU s |")
p("|---|---|---:|---|---:|---:|---:|---:|---:|")
ups = parse(f"{work}/wan-up-runs.txt", False)
for case in "ab":
    nbytes, _ = cases[case]
    lim = limit(nbytes)
    sdk = statistics.median(r[0] for r in ups[(case, "sdk")]) if (case, "sdk") in ups else None
    for name in ["arty", "sdk"]:
        rs = ups.get((case, name))
        if not rs: continue
        m = statistics.median(r[0] for r in rs)
        x_sdk = f"{sdk / m:.2f}" if sdk else "n/a"
        p(f"| {titles[case]} | {up_labels[name]} | {m:.3f} | {' '.join(f'{r[0]:.2f}' for r in rs)} | {nbytes / 1e6 / m:.1f} | "
          f"{x_sdk} | {lim / m:.2f} | {statistics.median(r[1] for r in rs) / 1e6:.0f} | {statistics.median(r[3] for r in rs):.2f} |")
        summary[("up-" + case, name)] = (m, sdk / m if sdk else None, lim / m)
p("")
def times_sdk(key):
    s = summary.get(key)
    return f"{s[1]:.2f}×" if s and s[1] is not None else "n/a"
def target(key, want, what):
    s = summary.get(key)
    if not s or s[what] is None: return "n/a"
    return f"**{s[what]:.2f}×** (target ≥ {want:g} {mark(s[what] >= want)})"
p("Issue 12's targets for arty:")
p("")
p(f"- vs the SDK: (a) {target(('a', 'arty'), 3, 1)}, (b) {target(('b', 'arty'), 3, 1)}, (c) {target(('c', 'arty'), 2, 1)}; "
  f"uploads (a) {times_sdk(('up-a', 'arty'))}, (b) {times_sdk(('up-b', 'arty'))} (no target set)")
p(f"- of the link's limit: (b) {target(('b', 'arty'), 0.8, 2)}, (c) {target(('c', 'arty'), 0.8, 2)}; (a) {summary[('a', 'arty')][2]:.2f}×")
print("\n".join(out))
PY
}
