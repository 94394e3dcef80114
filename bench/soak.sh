#!/usr/bin/env bash
# A mixed soak: keep-alive GET, Connection: close GET, CONNECT and SOCKS5 through the gateway over two tinyproxy
# upstreams, the second of them stopped and started again every minute. At the end: every client error, sorted
# into what was under way on the restarted upstream (cut mid-answer or mid-tunnel: nothing can save those) and
# the rest (which should be none); and the gateway's heap after a full GC, its native "Other" memory (Netty's
# direct buffers), RSS and open file descriptors every 30 s, which should stay flat. Loopback only.
#
#   bench/soak.sh            (needs gateway/target/rotagate.jar, wrk, tinyproxy, curl; see bench/README.md)
#
# Knobs: SOAK_SECONDS [600], SOAK_RESTART_EVERY [60], ROTAGATE_JAR [gateway/target/rotagate.jar], SOAK_KEEP=1 (keep its files),
#        SOAK_EXTRA_CONFIG (YAML appended to the gateway's config, e.g. 'retry: { min-concurrent: 20 }')
set -Eeuo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/bench"
SECS="${SOAK_SECONDS:-600}"
EVERY="${SOAK_RESTART_EVERY:-60}"
JAR="${ROTAGATE_JAR:-$ROOT/gateway/target/rotagate.jar}"
HOST=127.0.0.1
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY

log() { printf '[soak %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }
for tool in java wrk curl tinyproxy jcmd python3; do
    command -v "$tool" >/dev/null 2>&1 || [[ -x "/usr/sbin/$tool" ]] || die "$tool is missing"
done
TINYPROXY="$(command -v tinyproxy 2>/dev/null || echo /usr/sbin/tinyproxy)"
[[ -f "$JAR" ]] || die "$JAR is missing: build it first with (cd $ROOT && mvn -o -B -q -DskipTests package)"

TMP="$(mktemp -d /tmp/rotagate-soak.XXXXXX)"
PIDS=()
cleanup() {
    local rc=$? pid
    trap - EXIT
    for pid in "${PIDS[@]}" ${UPSTREAM_B_PID:-}; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    [[ $rc -eq 0 ]] || { log "--- tail of gateway.out"; tail -n 20 "$TMP/gateway.out" >&2 || true; }
    if [[ -n "${SOAK_KEEP:-}" ]]; then log "kept $TMP"; else rm -rf "$TMP"; fi
    exit "$rc"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

java -Dsun.net.httpserver.nodelay=true "$BENCH/Origin.java" "$((SECS + 120))" >"$TMP/origin.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 300); do grep -q '^LISTENING ' "$TMP/origin.out" 2>/dev/null && break; sleep 0.2; done
ORIGIN="$HOST:$(awk '/^LISTENING /{print $2; exit}' "$TMP/origin.out")"
URL="http://$ORIGIN/small"

tinyproxy_conf() { # name port
    printf 'Port %s\nListen %s\nTimeout 60\nMaxClients 512\nAllow 127.0.0.1\nDisableViaHeader Yes\nLogLevel Critical\nPidFile "%s/%s.pid"\n' \
        "$2" "$HOST" "$TMP" "$1" >"$TMP/$1.conf"
}
start_upstream() { # name -> its pid in STARTED_PID
    "$TINYPROXY" -d -c "$TMP/$1.conf" >>"$TMP/$1.out" 2>&1 &
    STARTED_PID=$!
    for _ in $(seq 100); do
        curl -fsS --max-time 1 -o /dev/null -x "http://$HOST:$2" "$URL" 2>/dev/null && return 0
        sleep 0.05
    done
    die "tinyproxy $1 did not start"
}
PORT_A="$(free_port)" PORT_B="$(free_port)" GATEWAY_PORT="$(free_port)" ADMIN_PORT="$(free_port)"
tinyproxy_conf a "$PORT_A"
tinyproxy_conf b "$PORT_B"
start_upstream a "$PORT_A"; PIDS+=("$STARTED_PID")
start_upstream b "$PORT_B"; UPSTREAM_B_PID="$STARTED_PID"

cat >"$TMP/rotagate.yaml" <<EOF
listen: $HOST:$GATEWAY_PORT
admin: { address: $HOST:$ADMIN_PORT }
targets: { allow: ["$HOST/32"] }
log: { access: text, access-file: $TMP/access.log }
pools:
  soak:
    strategy: round-robin
    upstreams:
      - { url: "http://$HOST:$PORT_A", name: steady }
      - { url: "http://$HOST:$PORT_B", name: restarted }
${SOAK_EXTRA_CONFIG:-}
EOF
log "gateway on $HOST:$GATEWAY_PORT over tinyproxy steady ($PORT_A) and restarted ($PORT_B), origin $ORIGIN; ${SECS}s"
ROTAGATE_LOG_LEVEL=INFO java -XX:NativeMemoryTracking=summary -jar "$JAR" serve --config "$TMP/rotagate.yaml" \
    >"$TMP/gateway.out" 2>&1 &
GATEWAY_PID=$!
PIDS+=("$GATEWAY_PID")
for _ in $(seq 300); do curl -fsS --max-time 1 -o /dev/null -x "http://$HOST:$GATEWAY_PORT" "$URL" 2>/dev/null && break; sleep 0.1; done

sample() { # label -> one line: heap after a full GC, NMT Other committed, RSS, fds
    jcmd "$GATEWAY_PID" GC.run >/dev/null 2>&1 || true
    local heap other rss fds
    heap="$(jcmd "$GATEWAY_PID" GC.heap_info 2>/dev/null | awk '/garbage-first heap|def new generation|PSYoungGen/{for(i=1;i<=NF;i++) if($i=="used"){print $(i+1); exit}}')"
    other="$(jcmd "$GATEWAY_PID" VM.native_memory summary 2>/dev/null | awk '/- +Other \(/{sub(/.*committed=/, ""); sub(/\).*/, ""); print; exit}')"
    rss="$(awk '/^VmRSS/{printf "%.0fMB", $2/1024}' "/proc/$GATEWAY_PID/status")"
    fds="$(ls "/proc/$GATEWAY_PID/fd" | wc -l)"
    printf '%-8s heap %-8s direct/other %-8s RSS %-7s fds %s\n' "$1" "${heap:-?}" "${other:-?}" "$rss" "$fds" | tee -a "$TMP/samples" >&2
}

# the load: modest, so that the machine keeps room for the restarts and the samples
BENCH_TARGET="$URL" wrk -t1 -c8 -d"${SECS}s" --timeout 5s -s "$BENCH/proxy-get.lua" "http://$HOST:$GATEWAY_PORT/" >"$TMP/keepalive.out" 2>&1 &
KEEPALIVE=$!
BENCH_CLOSE=1 BENCH_TARGET="$URL" wrk -t1 -c2 -d"${SECS}s" --timeout 5s -s "$BENCH/proxy-get.lua" "http://$HOST:$GATEWAY_PORT/" >"$TMP/close.out" 2>&1 &
CLOSE=$!
curl_loop() { # name curl-proxy-args... -> counts in $TMP/name.count: ok failed
    local name="$1" ok=0 failed=0 end=$((SECONDS + SECS))
    shift
    while ((SECONDS < end)); do
        if curl -fsS --max-time 10 -o /dev/null "$@" "$URL" 2>>"$TMP/$name.err"; then ok=$((ok + 1)); else failed=$((failed + 1)); fi
        echo "$ok $failed" >"$TMP/$name.count"
    done
}
curl_loop connect -p -x "http://$HOST:$GATEWAY_PORT" &
CONNECT_LOOP=$!
curl_loop socks5 --socks5-hostname "$HOST:$GATEWAY_PORT" &
SOCKS_LOOP=$!
PIDS+=("$KEEPALIVE" "$CLOSE" "$CONNECT_LOOP" "$SOCKS_LOOP")

start=$SECONDS next_restart=$((SECONDS + EVERY)) next_sample=$SECONDS restarts=0
while ((SECONDS - start < SECS)); do
    if ((SECONDS >= next_sample)); then sample "$((SECONDS - start))s"; next_sample=$((next_sample + 30)); fi
    if ((SECONDS >= next_restart)); then
        kill -TERM "$UPSTREAM_B_PID" 2>/dev/null || true
        wait "$UPSTREAM_B_PID" 2>/dev/null || true
        start_upstream b "$PORT_B"; UPSTREAM_B_PID="$STARTED_PID"
        restarts=$((restarts + 1))
        log "restarted upstream 'restarted' ($restarts)"
        next_restart=$((next_restart + EVERY))
    fi
    sleep 1
done
wait "$KEEPALIVE" "$CLOSE" "$CONNECT_LOOP" "$SOCKS_LOOP" 2>/dev/null || true
sample end
kill -0 "$GATEWAY_PID" || die "the gateway died"

# ---------------------------------------------------------------- the account
wrk_line() { grep '^RESULT ' "$TMP/$1.out" | sed -E 's/.*requests=([0-9]+).* (err_connect=.*)/requests \1, \2/'; }
log "keep-alive GET: $(wrk_line keepalive)"
log "Connection: close GET: $(wrk_line close)"
read -r c_ok c_failed <"$TMP/connect.count"
read -r s_ok s_failed <"$TMP/socks5.count"
log "CONNECT (curl -p): $c_ok ok, $c_failed failed; SOCKS5 (curl --socks5-hostname): $s_ok ok, $s_failed failed"
log "the gateway's own account of every request that did not end well (access log: protocol upstream status error):"
# text lines: time INFO access client user protocol method target upstream status bytes-up bytes-down ms [error]
failed='$3 == "access" && ($10 !~ /^[23]/ || NF > 13)'
under_way='$9 == "restarted" && $14 ~ /mid-response|upstream-closed|client-closed/'
awk "$failed {print \"  \" \$6, \$9, \$10, (NF > 13 ? \$14 : \"-\")}" "$TMP/access.log" | sort | uniq -c | sort -rn >&2 || true
under_way_count="$(awk "$failed && $under_way {n++} END {print n+0}" "$TMP/access.log")"
others="$(awk "$failed && !($under_way) {n++} END {print n+0}" "$TMP/access.log")"
log "$restarts restarts; failed requests and tunnels: $under_way_count under way on the restarted upstream, $others other"
log "retries (/metrics): $(curl -fsS "http://$HOST:$ADMIN_PORT/metrics" | awk '/^rotagate_retries_total/{printf "%s %s  ", $1, $2}')"
log "memory and descriptors (heap after a full GC; Other = NMT's, where Netty's direct buffers are):"
cat "$TMP/samples" >&2
grep -E 'WARN|ERROR' "$TMP/gateway.out" | grep -v ' access ' | sed -E 's/^[^ ]+ //' | sort | uniq -c | sort -rn | head -n 15 >&2 || true
