#!/usr/bin/env bash
# Loopback benchmark of the whole gateway: client -> rotagate -> squid -> origin, against client -> squid -> origin,
# same client, same concurrency. Everything listens on 127.0.0.1 and everything started here is stopped on exit.
# See bench/README.md for how to read the output.
#
#   bench/gateway-load.sh      (needs gateway/target/rotagate.jar: mvn -o -B -q -DskipTests package)
#
# Knobs (environment, defaults in brackets):
#   BENCH_DURATION [10]      seconds of each keep-alive measurement (wrk -d)
#   BENCH_WARMUP_MAX [35]    most seconds of keep-alive warm-up through the gateway (it stops once the JIT settles)
#   BENCH_THREADS [2] BENCH_CONNECTIONS [32]   wrk -t / -c
#   BENCH_REPS [5]           measured tunnel transfers per direction and path (the median is reported)
#   BENCH_SIZE_MIB [100]     size of each tunnel transfer
#   BENCH_QUIET_PCT [15]     a measurement during which other processes used this much of the machine is redone once
#   BENCH_QUIET_WAIT [8]     seconds to wait for a quiet machine before each measurement
#   BENCH_TIME_LIMIT [180]   hard cap on the whole run, in seconds
#   BENCH_STRICT=1           exit 3 when a goal is missed
#   BENCH_HOLD=N             start the three servers, print their ports, keep them N seconds, measure nothing
#   ROTAGATE_JAR             the gateway jar [gateway/target/rotagate.jar]
#   ROTAGATE_JAVA_OPTS       JVM flags for the gateway, e.g. -XX:+UseParallelGC
#   BENCH_ACCESS_LOG         the gateway's log.access (text, json, off); unset: the jar's default (text)
#   BENCH_TRANSPORT          the gateway's server.transport (auto, epoll, io_uring, nio); unset: auto (epoll)
#   BENCH_LEGACY_CONFIG=1    write no keys newer than the jar (targets, log, server): for jars before the target policy
set -Eeuo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/bench"
DURATION="${BENCH_DURATION:-10}"
WARMUP_MAX="${BENCH_WARMUP_MAX:-35}"
THREADS="${BENCH_THREADS:-2}"
CONNS="${BENCH_CONNECTIONS:-32}"
REPS="${BENCH_REPS:-5}"
SIZE_MIB="${BENCH_SIZE_MIB:-100}"
QUIET_PCT="${BENCH_QUIET_PCT:-15}"
QUIET_WAIT="${BENCH_QUIET_WAIT:-8}"
LIMIT="${BENCH_TIME_LIMIT:-240}"
JAR="${ROTAGATE_JAR:-$ROOT/gateway/target/rotagate.jar}"
GOAL_RPS=0.75
GOAL_TUNNEL=0.80
SIZE=$((SIZE_MIB * 1024 * 1024))
HOST=127.0.0.1

# loopback only: no proxy from the environment takes part
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY

log() { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }

# ---------------------------------------------------------------- tools
need_tool() { # command [debian package]
    command -v "$1" >/dev/null 2>&1 && return 0
    [[ -x "/usr/sbin/$1" ]] && return 0
    local pkg="${2:-$1}"
    if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        log "installing $pkg with apt-get"
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -q "$pkg" >/dev/null 2>&1 \
            || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q "$pkg" >/dev/null 2>&1; } \
            || die "could not install $pkg"
    else
        die "$1 is missing: apt-get install $pkg"
    fi
}
need_tool java default-jdk-headless # the origin is a single-file source program: needs the JDK's compiler
need_tool curl
need_tool wrk
need_tool squid
need_tool haproxy
SQUID_BIN="$(command -v squid 2>/dev/null || echo /usr/sbin/squid)"
HAPROXY_BIN="$(command -v haproxy 2>/dev/null || echo /usr/sbin/haproxy)"
[[ -f "$JAR" ]] || die "$JAR is missing: build it first with (cd $ROOT && mvn -o -B -q -DskipTests package)"

# ---------------------------------------------------------------- processes and cleanup
TMP="$(mktemp -d /tmp/rotagate-bench.XXXXXX)"
ORIGIN_PID="" SQUID_PID="" GATEWAY_PID="" HAPROXY_PID="" WATCHDOG_PID="" HOLD_PID=""

stop_pid() { # pid: TERM, then KILL after 5 s
    local pid="$1" i
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ -n "$HOLD_PID" ]]; then kill "$HOLD_PID" 2>/dev/null || true; fi
    stop_pid "$GATEWAY_PID"
    stop_pid "$HAPROXY_PID"
    stop_pid "$SQUID_PID"
    stop_pid "$ORIGIN_PID"
    if [[ -n "$WATCHDOG_PID" ]]; then
        { pkill -P "$WATCHDOG_PID" || true; kill "$WATCHDOG_PID" || true; wait "$WATCHDOG_PID" || true; } 2>/dev/null
    fi
    if [[ $rc -ne 0 && -d "$TMP" ]]; then
        for f in origin.out squid.out squid/cache.log gateway.out haproxy.out; do
            if [[ -s "$TMP/$f" ]]; then log "--- tail of $f"; tail -n 15 "$TMP/$f" >&2; fi
        done
    fi
    rm -rf "$TMP"
    exit "$rc"
}
trap cleanup EXIT
trap 'log "FAILED: line $LINENO: $BASH_COMMAND"' ERR
trap 'exit 130' INT
trap 'log "stopped (time limit of ${LIMIT}s reached, or TERM)"; exit 124' TERM

# hard cap on the whole run: TERM to this script, whose EXIT trap stops everything
( exec 2>/dev/null; sleep "$LIMIT"; kill -TERM $$ ) & # stderr off: no "Terminated" when cleanup ends its sleep
WATCHDOG_PID=$!

# a port no socket uses, below the ephemeral range (there, a client connection may take it between check and bind)
read -r EPHEMERAL_LOW _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || EPHEMERAL_LOW=32768
free_port() { # -> FREE_PORT (not in $(...): USED_PORTS must stick)
    local p i low=10000 high=$((EPHEMERAL_LOW - 1))
    ((high > low + 1000)) || { low=20000; high=30000; }
    for i in $(seq 200); do
        p=$((low + (RANDOM * 32768 + RANDOM) % (high - low)))
        [[ " ${USED_PORTS:-} " == *" $p "* ]] && continue
        if [[ -z "$(ss -Htan "sport = :$p" 2>/dev/null)" ]]; then
            USED_PORTS="${USED_PORTS:-} $p"
            FREE_PORT=$p
            return 0
        fi
    done
    die "no free port found"
}

wait_until() { # description pid seconds command...: polls the command until it succeeds
    local what="$1" pid="$2" secs="$3" deadline
    shift 3
    deadline=$((SECONDS + secs))
    until "$@" >/dev/null 2>&1; do
        kill -0 "$pid" 2>/dev/null || die "$what exited during start-up"
        ((SECONDS < deadline)) || die "$what not ready after ${secs}s"
        sleep 0.2
    done
}

check_alive() {
    local name pid
    for name in ORIGIN SQUID GATEWAY HAPROXY; do
        pid="${name}_PID"
        pid="${!pid}"
        [[ -z "$pid" ]] || kill -0 "$pid" 2>/dev/null || die "${name,,} (pid $pid) is gone: it crashed or was killed from outside"
    done
}

# ---------------------------------------------------------------- CPU accounting (clock ticks, /proc)
TICK_US=$((1000000 / $(getconf CLK_TCK)))
# These run in the shell itself, without forks, so that the accounting adds no CPU of its own to what it measures.
stat_ticks() { # /proc/PID or /proc/PID/task/TID -> TICKS=utime+stime
    local stat f
    TICKS=0
    { read -r stat <"$1/stat"; } 2>/dev/null || return 0
    stat="${stat##*) }" # the fields after the command name (which may hold spaces), from field 3 on
    read -r -a f <<<"$stat"
    TICKS=$((f[11] + f[12]))
}
eventloop_ticks() { # -> EL_TICKS: the gateway's Vert.x event-loop threads only (the rest is JIT, GC, ...)
    local t comm
    EL_TICKS=0
    for t in /proc/"$GATEWAY_PID"/task/*; do
        { read -r comm <"$t/comm"; } 2>/dev/null || continue
        if [[ "$comm" == vert.x-eventloo* ]]; then
            stat_ticks "$t"
            EL_TICKS=$((EL_TICKS + TICKS))
        fi
    done
}
gateway_other_ticks() { # -> OTHER_TICKS: the gateway's threads other than its event loops
    eventloop_ticks
    stat_ticks "/proc/$GATEWAY_PID"
    OTHER_TICKS=$((TICKS - EL_TICKS))
}
machine_ticks() { # -> "busy total" over all cores, from /proc/stat
    local _cpu user nice system idle iowait irq softirq steal _rest
    read -r _cpu user nice system idle iowait irq softirq steal _rest </proc/stat
    echo "$((user + nice + system + irq + softirq + steal)) $((user + nice + system + idle + iowait + irq + softirq + steal))"
}
child_ticks() { # -> CHILD_TICKS: CPU of this shell's finished children (wrk, curl, ...), from the builtin times
    # call it directly, never in $(...) or a pipe: a subshell would report its own (empty) children
    local line t=0 part re='^([0-9]+)m([0-9]+)\.([0-9]+)s$'
    times >"$TMP/times"
    { read -r line; read -r line; } <"$TMP/times"
    for part in $line; do # "0m1.230s 0m0.450s": user and system, in 10 ms ticks
        [[ "$part" =~ $re ]] && t=$((t + 10#${BASH_REMATCH[1]} * 6000 + 10#${BASH_REMATCH[2]} * 100 + 10#${BASH_REMATCH[3]:0:2}))
    done
    CHILD_TICKS=$t
}
snapshot() { # -> SNAP=(gateway eventloop squid origin children haproxy)
    local gw sq or ha
    eventloop_ticks
    stat_ticks "/proc/$GATEWAY_PID"; gw=$TICKS
    stat_ticks "/proc/$SQUID_PID"; sq=$TICKS
    stat_ticks "/proc/$ORIGIN_PID"; or=$TICKS
    stat_ticks "/proc/$HAPROXY_PID"; ha=$TICKS
    child_ticks
    SNAP=("$gw" "$EL_TICKS" "$sq" "$or" "$CHILD_TICKS" "$ha")
}
per() { awk -v t="$1" -v n="$2" -v unit="$3" 'BEGIN{printf "%.0f", (n > 0 ? t * unit / n : 0)}'; } # ticks count us-per-unit

# Another build on this machine skews everything: wait (bounded) for a quiet machine before each measurement,
# measure how much of the machine went to processes not started here, and redo a disturbed measurement once.
wait_quiet() {
    local deadline=$((SECONDS + QUIET_WAIT)) a b busy total told=""
    ((SECONDS + QUIET_WAIT < LIMIT * 6 / 10)) || deadline=$SECONDS # late in the run: no waiting, stay in the limit
    while :; do
        read -r a b <<<"$(machine_ticks)"
        sleep 1
        read -r busy total <<<"$(machine_ticks)"
        busy=$(((busy - a) * 100 / (total - b > 0 ? total - b : 1)))
        ((busy < QUIET_PCT)) && return 0
        ((SECONDS < deadline)) || { log "machine still ${busy}% busy with other work: measuring anyway"; return 0; }
        [[ -n "$told" ]] || { log "machine ${busy}% busy with other work: waiting up to ${QUIET_WAIT}s"; told=1; }
    done
}
OTHER_LOAD=""
measure() { # label function args...: runs the measurement, again if other processes disturbed it; keeps the
    # less disturbed of the two
    local label="$1" try busy0 total0 busy total s0 s1 ours pct best=101 saved=""
    shift
    for try in 1 2; do
        wait_quiet
        check_alive
        read -r busy0 total0 <<<"$(machine_ticks)"
        snapshot
        s0=("${SNAP[@]}")
        "$@"
        check_alive
        read -r busy total <<<"$(machine_ticks)"
        snapshot
        s1=("${SNAP[@]}")
        # CPU deltas of this measurement: gateway, its event loops, squid, origin, children (wrk or curl)
        D_GW=$((s1[0] - s0[0])) D_EL=$((s1[1] - s0[1])) D_SQ=$((s1[2] - s0[2])) D_OR=$((s1[3] - s0[3]))
        D_CH=$((s1[4] - s0[4])) D_HA=$((s1[5] - s0[5]))
        ours=$((D_GW + D_SQ + D_OR + D_CH + D_HA))
        pct=$(( ((busy - busy0) - ours) * 100 / (total - total0 > 0 ? total - total0 : 1) ))
        ((pct >= 0)) || pct=0
        if ((pct < best)); then
            best=$pct
            saved="$(declare -p RPS P99_US REQS SPEEDS D_GW D_EL D_SQ D_OR D_CH D_HA 2>/dev/null || true)"
        fi
        ((pct >= QUIET_PCT && try == 1)) || break
        if ((SECONDS > LIMIT / 2)); then
            log "$label: ${pct}% of the machine went to other processes (no time left to measure again)"
            break
        fi
        log "$label: ${pct}% of the machine went to other processes: measuring again"
    done
    saved="${saved//declare -- /declare -g }"
    eval "${saved//declare -a /declare -ga }"
    OTHER_LOAD="${OTHER_LOAD}${OTHER_LOAD:+, }$label ${best}%"
    LOAD_OF["$label"]=$best
}
declare -A LOAD_OF=()
noisy() { # label1 label2 -> a warning for a result line when other processes disturbed either measurement
    local worst=$((LOAD_OF["$1"] > LOAD_OF["$2"] ? LOAD_OF["$1"] : LOAD_OF["$2"]))
    ((worst < QUIET_PCT)) || printf ' [NOISY: other processes took %s%% of the machine]' "$worst"
}

# ---------------------------------------------------------------- 1. origin, squid, gateway
log "starting origin (java $BENCH/Origin.java)"
java -Dsun.net.httpserver.nodelay=true "$BENCH/Origin.java" "$((LIMIT + 60))" >"$TMP/origin.out" 2>&1 &
ORIGIN_PID=$!
deadline=$((SECONDS + 60))
until grep -q '^LISTENING ' "$TMP/origin.out" 2>/dev/null; do
    kill -0 "$ORIGIN_PID" 2>/dev/null || die "origin exited during start-up"
    ((SECONDS < deadline)) || die "origin not listening after 60s"
    sleep 0.2
done
ORIGIN_PORT="$(awk '/^LISTENING /{print $2; exit}' "$TMP/origin.out")"
USED_PORTS=" $ORIGIN_PORT"
SMALL_URL="http://$HOST:$ORIGIN_PORT/small"
DOWNLOAD_URL="http://$HOST:$ORIGIN_PORT/download?bytes=$SIZE"
UPLOAD_URL="http://$HOST:$ORIGIN_PORT/upload"
wait_until origin "$ORIGIN_PID" 20 curl -fsS --max-time 2 -o /dev/null "$SMALL_URL"

free_port
SQUID_PORT=$FREE_PORT
mkdir -p "$TMP/squid"
{
    echo "http_port $HOST:$SQUID_PORT"
    echo "workers 1"
    if [[ $EUID -eq 0 ]]; then
        # started as root, squid drops to this user, who must be able to write $TMP/squid
        user=proxy
        id -u proxy >/dev/null 2>&1 || user=nobody
        echo "cache_effective_user $user"
        chown "$user" "$TMP/squid"
    fi
    cat <<EOF
pid_filename $TMP/squid/squid.pid
cache_log $TMP/squid/cache.log
coredump_dir $TMP/squid
access_log none
logfile_rotate 0
cache deny all
cache_mem 0 MB
netdb_filename none
pinger_enable off
visible_hostname rotagate-bench
shutdown_lifetime 0 seconds
max_filedescriptors 4096
acl bench_clients src 127.0.0.1/32
http_access allow bench_clients
http_access deny all
EOF
} >"$TMP/squid.conf"
log "starting squid $("$SQUID_BIN" -v | awk 'NR==1{print $4}') on $HOST:$SQUID_PORT"
"$SQUID_BIN" -N -d 1 -f "$TMP/squid.conf" >"$TMP/squid.out" 2>&1 &
SQUID_PID=$!
wait_until squid "$SQUID_PID" 30 curl -fsS --max-time 2 -o /dev/null -x "http://$HOST:$SQUID_PORT" "$SMALL_URL"

free_port
GATEWAY_PORT=$FREE_PORT
{
    echo "listen: $HOST:$GATEWAY_PORT"
    if [[ "${BENCH_LEGACY_CONFIG:-0}" != 1 ]]; then
        echo "targets: { allow: [\"$HOST/32\"] }   # the bench origin listens on loopback"
        if [[ -n "${BENCH_ACCESS_LOG:-}" ]]; then echo "log: { access: $BENCH_ACCESS_LOG }"; fi
        if [[ -n "${BENCH_TRANSPORT:-}" ]]; then echo "server: { transport: $BENCH_TRANSPORT }"; fi
    fi
    cat <<EOF
pools:
  bench:
    strategy: round-robin
    upstreams:
      - http://$HOST:$SQUID_PORT
EOF
} >"$TMP/rotagate.yaml"
log "starting gateway ($JAR) on $HOST:$GATEWAY_PORT${ROTAGATE_JAVA_OPTS:+ with ROTAGATE_JAVA_OPTS=$ROTAGATE_JAVA_OPTS}"
# shellcheck disable=SC2086 # ROTAGATE_JAVA_OPTS holds several words
ROTAGATE_LOG_LEVEL=WARN java ${ROTAGATE_JAVA_OPTS:-} -jar "$JAR" serve --config "$TMP/rotagate.yaml" \
    >"$TMP/gateway.out" 2>&1 &
GATEWAY_PID=$!
wait_until gateway "$GATEWAY_PID" 60 curl -fsS --max-time 2 -o /dev/null -x "http://$HOST:$GATEWAY_PORT" "$SMALL_URL"

# the peer: HAProxy in HTTP mode over the same squid, round-robin per request (as the gateway rotates), CONNECT
# tunnelled after squid's 200; its defaults otherwise (threads: one per core, like the gateway's event loops)
free_port
HAPROXY_PORT=$FREE_PORT
cat >"$TMP/haproxy.cfg" <<EOF
global
    maxconn 8192
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout tunnel 60s
frontend bench
    bind $HOST:$HAPROXY_PORT
    default_backend squids
backend squids
    balance roundrobin
    server squid $HOST:$SQUID_PORT
EOF
log "starting haproxy $("$HAPROXY_BIN" -v | awk 'NR==1{print $3}') (HTTP mode) on $HOST:$HAPROXY_PORT"
"$HAPROXY_BIN" -db -f "$TMP/haproxy.cfg" >"$TMP/haproxy.out" 2>&1 &
HAPROXY_PID=$!
wait_until haproxy "$HAPROXY_PID" 30 curl -fsS --max-time 2 -o /dev/null -x "http://$HOST:$HAPROXY_PORT" "$SMALL_URL"
log "ready: origin $HOST:$ORIGIN_PORT (pid $ORIGIN_PID), squid $HOST:$SQUID_PORT (pid $SQUID_PID)," \
    "gateway $HOST:$GATEWAY_PORT (pid $GATEWAY_PID), haproxy $HOST:$HAPROXY_PORT (pid $HAPROXY_PID)"
if [[ -n "${BENCH_HOLD:-}" ]]; then
    # for investigation: keep the three servers up (bounded by BENCH_TIME_LIMIT), measure nothing
    log "BENCH_HOLD: holding for ${BENCH_HOLD}s"
    sleep "$BENCH_HOLD" &
    HOLD_PID=$!
    wait "$HOLD_PID" || true # unlike a foreground sleep, wait lets a TERM run the trap at once
    exit 0
fi

# ---------------------------------------------------------------- 2. keep-alive GET
run_wrk() { # label proxy_port seconds [close] -> RPS P99_US REQS
    local label="$1" port="$2" secs="$3" close="${4:-0}" out="$TMP/wrk.out" line errs
    BENCH_CLOSE="$close" BENCH_TARGET="$SMALL_URL" wrk -t"$THREADS" -c"$CONNS" -d"${secs}s" --timeout 5s -s "$BENCH/proxy-get.lua" \
        "http://$HOST:$port/" >"$out" 2>&1 || die "wrk ($label) failed: $(tail -n 5 "$out")"
    line="$(grep '^RESULT ' "$out")" || die "wrk ($label) printed no result: $(tail -n 5 "$out")"
    RPS="$(sed -E 's/.* rps=([0-9.]+).*/\1/' <<<"$line")"
    P99_US="$(sed -E 's/.* p99_us=([0-9]+).*/\1/' <<<"$line")"
    REQS="$(sed -E 's/.* requests=([0-9]+).*/\1/' <<<"$line")"
    errs="$(sed -E 's/.* (err_connect=.*)/\1/' <<<"$line")"
    [[ "$errs" == "err_connect=0 err_read=0 err_write=0 err_status=0 err_timeout=0" ]] \
        || die "wrk ($label) saw errors: $errs"
    log "$label: $RPS req/s, p99 ${P99_US}us, $REQS requests"
}

# Warm-up until the gateway's JIT has settled: on 2 cores its C2 compiler thread, busy for 20-30 s of load after a
# start, takes CPU from everything else. Settled = the gateway's threads other than the event loops (JIT, GC, ...)
# used under 3% of a core during the last 5 s chunk; at least 10 s, at most BENCH_WARMUP_MAX.
log "keep-alive GET: wrk -t$THREADS -c$CONNS; warm-up via the gateway until its JIT settles, then ${DURATION}s per path"
warmed=0
while :; do
    gateway_other_ticks; o0=$OTHER_TICKS
    run_wrk "warm-up gateway" "$GATEWAY_PORT" 5
    warmed=$((warmed + 5))
    gateway_other_ticks; jit=$((OTHER_TICKS - o0))
    ((jit >= 0)) || jit=0
    log "warm-up: the gateway's JIT/GC/other threads used ${jit} ticks ($((jit * TICK_US / 50000))% of a core)"
    ((warmed >= 10 && jit * TICK_US < 150000)) && break
    ((warmed < WARMUP_MAX)) || { log "the gateway's JIT has not settled after ${warmed}s of warm-up: measuring anyway"; break; }
done
run_wrk "warm-up direct" "$SQUID_PORT" 3

measure "GET direct" run_wrk direct "$SQUID_PORT" "$DURATION"
D_RPS=$RPS D_P99=$P99_US
D_CPU="squid $(per "$D_SQ" "$REQS" "$TICK_US") origin $(per "$D_OR" "$REQS" "$TICK_US") wrk $(per "$D_CH" "$REQS" "$TICK_US")"
run_wrk "warm-up haproxy" "$HAPROXY_PORT" 3
measure "GET haproxy" run_wrk haproxy "$HAPROXY_PORT" "$DURATION"
H_RPS=$RPS H_P99=$P99_US H_US=$(per "$D_HA" "$REQS" "$TICK_US")
H_CPU="haproxy $H_US squid $(per "$D_SQ" "$REQS" "$TICK_US") origin $(per "$D_OR" "$REQS" "$TICK_US") wrk $(per "$D_CH" "$REQS" "$TICK_US")"
measure "GET gateway" run_wrk gateway "$GATEWAY_PORT" "$DURATION"
G_US=$(per "$D_GW" "$REQS" "$TICK_US")
G_RPS=$RPS G_P99=$P99_US
G_CPU="gateway $(per "$D_GW" "$REQS" "$TICK_US") (event loop $(per "$D_EL" "$REQS" "$TICK_US")) squid $(per "$D_SQ" "$REQS" "$TICK_US") origin $(per "$D_OR" "$REQS" "$TICK_US") wrk $(per "$D_CH" "$REQS" "$TICK_US")"
if grep -q ERROR "$TMP/gateway.out"; then
    log "note: the gateway logged $(grep -c ERROR "$TMP/gateway.out") ERROR line(s), e.g.: $(grep -m1 ERROR "$TMP/gateway.out")"
fi

# ---------------------------------------------------------------- 2b. Connection: close (a new connection per request)
CLOSE_SECS=$(( DURATION / 2 > 3 ? DURATION / 2 : 3 ))
log "Connection: close GET: wrk -t$THREADS -c$CONNS, a new client connection per request, ${CLOSE_SECS}s per path"
run_wrk "warm-up close gateway" "$GATEWAY_PORT" 3 1
measure "close direct" run_wrk "close direct" "$SQUID_PORT" "$CLOSE_SECS" 1
CD_RPS=$RPS
measure "close haproxy" run_wrk "close haproxy" "$HAPROXY_PORT" "$CLOSE_SECS" 1
CH_RPS=$RPS CH_US=$(per "$D_HA" "$REQS" "$TICK_US")
measure "close gateway" run_wrk "close gateway" "$GATEWAY_PORT" "$CLOSE_SECS" 1
CG_RPS=$RPS CG_US=$(per "$D_GW" "$REQS" "$TICK_US")

# ---------------------------------------------------------------- 3. CONNECT tunnels
head -c "$SIZE" /dev/zero >"$TMP/upload.bin"

transfer() { # kind proxy_port -> MBPS (10^6 bytes/s over curl's total time); verifies the byte counts
    local kind="$1" port="$2" out code bytes secs
    if [[ "$kind" == download ]]; then
        out="$(curl -sS -p -x "http://$HOST:$port" --max-time 60 -o /dev/null \
            -w '%{http_code} %{size_download} %{time_total}' "$DOWNLOAD_URL")" || die "download via :$port failed"
    else
        out="$(curl -sS -p -x "http://$HOST:$port" --max-time 60 -X POST -H 'Expect:' \
            -H 'Content-Type: application/octet-stream' -T "$TMP/upload.bin" -o "$TMP/upload.reply" \
            -w '%{http_code} %{size_upload} %{time_total}' "$UPLOAD_URL")" || die "upload via :$port failed"
    fi
    read -r code bytes secs <<<"$out"
    [[ "$code" == 200 ]] || die "$kind via :$port answered $code"
    [[ "$bytes" == "$SIZE" ]] || die "$kind via :$port moved $bytes bytes, expected $SIZE"
    if [[ "$kind" == upload ]]; then
        [[ "$(tr -d '\r\n' <"$TMP/upload.reply")" == "$SIZE" ]] \
            || die "upload via :$port: the origin received $(cat "$TMP/upload.reply") bytes, expected $SIZE"
    fi
    MBPS="$(awk -v b="$bytes" -v s="$secs" 'BEGIN{printf "%.1f", b / s / 1e6}')"
}
tunnels() { # kind port label -> SPEEDS (one MB/s value per repetition)
    local r
    SPEEDS=()
    for r in $(seq "$REPS"); do
        transfer "$1" "$2"
        SPEEDS+=("$MBPS")
    done
    log "$1 $3 MB/s: ${SPEEDS[*]}"
}
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{printf "%.0f", NR % 2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", (b > 0 ? a / b : 0)}'; }
verdict() { awk -v r="$1" -v g="$2" 'BEGIN{print (r >= g ? "ok" : "MISSED")}'; }
ms_per() { per "$1" "$REPS" "$((TICK_US / 1000))"; } # ticks -> ms per transfer

log "CONNECT tunnels: ${SIZE_MIB} MiB each way; warm-up until the gateway's JIT settles, then $REPS per path (median)"
# The relay path has its own JIT warm-up: on a fresh gateway C2 keeps compiling, in bursts of up to 0.3 s, for the
# first ~1.5-2 GB relayed. Downloads and uploads alternate (they share the relay code) until the gateway's threads
# other than its event loops used < 20 ms in each of 4 transfers in a row; at most 24 transfers.
calm=0
for w in $(seq 24); do
    kind=download
    ((w % 2)) || kind=upload
    gateway_other_ticks; o0=$OTHER_TICKS
    transfer "$kind" "$GATEWAY_PORT"
    gateway_other_ticks; jit=$((OTHER_TICKS - o0))
    ((jit >= 0)) || jit=0 # a thread that ended took its ticks along
    if ((jit * TICK_US < 20000)); then calm=$((calm + 1)); else calm=0; fi
    ((calm < 4)) || break
done
if ((calm >= 4)); then
    log "tunnel warm-up: $w transfers via the gateway; its JIT has settled"
else
    log "tunnel warm-up: $w transfers via the gateway; its JIT has not settled (last: $((jit * TICK_US / 1000)) ms): measuring anyway"
fi
for kind in download upload; do
    transfer "$kind" "$SQUID_PORT"
    measure "$kind direct" tunnels "$kind" "$SQUID_PORT" direct
    printf -v "T_${kind}_D" '%s' "$(median "${SPEEDS[@]}")"
    printf -v "C_${kind}_D" '%s' "squid $(ms_per "$D_SQ") origin $(ms_per "$D_OR") curl $(ms_per "$D_CH")"
    transfer "$kind" "$HAPROXY_PORT"
    measure "$kind haproxy" tunnels "$kind" "$HAPROXY_PORT" "via haproxy"
    printf -v "T_${kind}_H" '%s' "$(median "${SPEEDS[@]}")"
    printf -v "C_${kind}_H" '%s' "haproxy $(ms_per "$D_HA") squid $(ms_per "$D_SQ") origin $(ms_per "$D_OR") curl $(ms_per "$D_CH")"
    measure "$kind gateway" tunnels "$kind" "$GATEWAY_PORT" "via gateway"
    printf -v "T_${kind}_G" '%s' "$(median "${SPEEDS[@]}")"
    printf -v "C_${kind}_G" '%s' "gateway $(ms_per "$D_GW") (event loop $(ms_per "$D_EL")) squid $(ms_per "$D_SQ") origin $(ms_per "$D_OR") curl $(ms_per "$D_CH")"
done

# ---------------------------------------------------------------- 4. results
KA_RATIO="$(ratio "$G_RPS" "$D_RPS")"
DL_RATIO="$(ratio "$T_download_G" "$T_download_D")"
UL_RATIO="$(ratio "$T_upload_G" "$T_upload_D")"
KA_VS_HA="$(ratio "$G_RPS" "$H_RPS")"
DL_VS_HA="$(ratio "$T_download_G" "$T_download_H")"
UL_VS_HA="$(ratio "$T_upload_G" "$T_upload_H")"
CPU_VS_HA="$(ratio "$G_US" "$H_US")"
P99_VS_HA="$(ratio "$G_P99" "$H_P99")"
CLOSE_VS_HA="$(ratio "$CG_RPS" "$CH_RPS")"
CONN_CPU_VS_HA="$(ratio "$CG_US" "$CH_US")"
ms() { awk -v u="$1" 'BEGIN{printf "%.1fms", u / 1000}'; }
mkdir -p "$BENCH/results"
{
    printf '# rotagate loopback benchmark %s, commit %s, %s cores, wrk -t%s -c%s -d%ss, tunnels %s MiB x %s (median)%s\n' \
        "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')" \
        "$(nproc)" "$THREADS" "$CONNS" "$DURATION" "$SIZE_MIB" "$REPS" \
        "${ROTAGATE_JAVA_OPTS:+, ROTAGATE_JAVA_OPTS=$ROTAGATE_JAVA_OPTS}"
    printf 'keep-alive GET   direct %.0f req/s p99 %s | via gateway %.0f req/s p99 %s | ratio %s (goal >= %s) %s%s\n' \
        "$D_RPS" "$(ms "$D_P99")" "$G_RPS" "$(ms "$G_P99")" "$KA_RATIO" "$GOAL_RPS" "$(verdict "$KA_RATIO" "$GOAL_RPS")" \
        "$(noisy "GET direct" "GET gateway")"
    printf 'CONNECT download direct %s MB/s | via gateway %s MB/s | ratio %s (goal >= %s) %s%s\n' \
        "$T_download_D" "$T_download_G" "$DL_RATIO" "$GOAL_TUNNEL" "$(verdict "$DL_RATIO" "$GOAL_TUNNEL")" \
        "$(noisy "download direct" "download gateway")"
    printf 'CONNECT upload   direct %s MB/s | via gateway %s MB/s | ratio %s (goal >= %s) %s%s\n' \
        "$T_upload_D" "$T_upload_G" "$UL_RATIO" "$GOAL_TUNNEL" "$(verdict "$UL_RATIO" "$GOAL_TUNNEL")" \
        "$(noisy "upload direct" "upload gateway")"
    printf 'vs HAProxy (HTTP mode, same squid): keep-alive req/s %s (%.0f vs %.0f), p99 %s (%s vs %s), CPU per GET %s (%s vs %s us), download %s (%s vs %s MB/s), upload %s (%s vs %s MB/s)%s\n' \
        "$KA_VS_HA" "$G_RPS" "$H_RPS" "$P99_VS_HA" "$(ms "$G_P99")" "$(ms "$H_P99")" "$CPU_VS_HA" "$G_US" "$H_US" \
        "$DL_VS_HA" "$T_download_G" "$T_download_H" "$UL_VS_HA" "$T_upload_G" "$T_upload_H" \
        "$(noisy "GET haproxy" "GET gateway")"
    printf 'Connection: close GET  direct %.0f req/s | via haproxy %.0f req/s | via gateway %.0f req/s | gateway/haproxy %s; CPU per new connection gateway %s us, haproxy %s us (%s)%s\n' \
        "$CD_RPS" "$CH_RPS" "$CG_RPS" "$CLOSE_VS_HA" "$CG_US" "$CH_US" "$CONN_CPU_VS_HA" "$(noisy "close haproxy" "close gateway")"
    printf 'CPU us per GET          direct: %s | via haproxy: %s | via gateway: %s\n' "$D_CPU" "$H_CPU" "$G_CPU"
    printf 'CPU ms per download    direct: %s | via haproxy: %s | via gateway: %s\n' "$C_download_D" "$C_download_H" "$C_download_G"
    printf 'CPU ms per upload      direct: %s | via haproxy: %s | via gateway: %s\n' "$C_upload_D" "$C_upload_H" "$C_upload_G"
    printf 'other load (CPU of processes not started here, %% of the machine): %s\n' "$OTHER_LOAD"
} | tee "$BENCH/results/latest.txt"

if [[ "${BENCH_STRICT:-0}" == 1 ]] && grep -q MISSED "$BENCH/results/latest.txt"; then
    exit 3
fi
