#!/usr/bin/env python3
"""Idle CONNECT tunnels: what each costs the gateway in memory, and how fast new ones are set up.

    python3 bench/tunnels.py [--jar gateway/target/rotagate.jar] [--tunnels 9000] [--rate 1000]

Starts the gateway (direct:// upstream, loopback target allowed) and an echo target in this process; measures
plain connections to the target at --rate (this client's own noise), warms the gateway up at --rate, then opens
--tunnels CONNECT tunnels at --rate per second, measuring each one's setup time (connect to the gateway, CONNECT,
the 200 read), then holds them all idle and reads the gateway's resident memory from /proc. A sample of tunnels
is checked to still carry bytes at the end. Everything listens on 127.0.0.1; the gateway is stopped on exit.
Needs two file descriptors in the gateway and two in this process per tunnel: 9,000 fits a 20,000 limit.
"""
import argparse
import asyncio
import gc
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def pct(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


async def echo(reader, writer):
    try:
        while data := await reader.read(4096):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


async def open_tunnel(gateway_port, target):
    start = time.perf_counter()
    reader, writer = await asyncio.open_connection("127.0.0.1", gateway_port)
    writer.write(f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n".encode())
    head = await reader.readuntil(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 200"):
        raise RuntimeError(f"CONNECT refused: {head[:40]!r}")
    return (time.perf_counter() - start) * 1000, reader, writer


async def open_direct(target):
    """A plain connection to the target and one echoed byte: what a tunnel's setup is compared with."""
    host, port = target.rsplit(":", 1)
    start = time.perf_counter()
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(b"x")
    await reader.readexactly(1)
    return (time.perf_counter() - start) * 1000, reader, writer


async def paced(rate, count, opener):
    """Opens count connections at rate per second; returns them, their setup times, those per second, and the time."""
    opened, setup, by_second = [], [], {}
    interval = 1.0 / rate
    began = time.perf_counter()

    async def one(i):
        await asyncio.sleep(max(0.0, began + i * interval - time.perf_counter()))
        ms, reader, writer = await opener()
        setup.append(ms)
        by_second.setdefault(int(i * interval), []).append(ms)
        opened.append((reader, writer))

    await asyncio.gather(*(one(i) for i in range(count)))
    return opened, setup, by_second, time.perf_counter() - began


def close_all(connections):
    for _, writer in connections:
        writer.close()


async def wait_ready(gateway_port, target, proc):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("the gateway exited")
        try:
            _, _, writer = await open_tunnel(gateway_port, target)
            writer.close()
            return
        except (OSError, RuntimeError, asyncio.IncompleteReadError):
            await asyncio.sleep(0.05)
    raise RuntimeError("the gateway did not come up within 60 s")


async def main(args):
    gc.disable()  # a collection over thousands of open tunnels pauses this client for tens of ms: not the gateway's time
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if 2 * args.tunnels + 100 > hard:
        sys.exit(f"--tunnels {args.tunnels} needs {2 * args.tunnels + 100} file descriptors; the limit is {hard}")
    server = await asyncio.start_server(echo, "127.0.0.1", 0, backlog=4096)
    target = f"127.0.0.1:{server.sockets[0].getsockname()[1]}"
    port = free_port()
    work = tempfile.mkdtemp(prefix="rotagate-tunnels.")
    config = os.path.join(work, "rotagate.yaml")
    with open(config, "w") as f:
        f.write(f"listen: 127.0.0.1:{port}\n"
                f"targets: {{ allow: [\"127.0.0.1/32\"] }}\n"
                f"log: {{ access: {args.access_log} }}\n"
                "timeouts: { idle: 10m }\n"
                "pools:\n  local:\n    upstreams: [ \"direct://\" ]\n")
    env = dict(os.environ, ROTAGATE_LOG_LEVEL="WARN")
    with open(os.path.join(work, "gateway.out"), "w") as out:
        proc = subprocess.Popen(["java", *args.java_opts.split(), "-jar", args.jar, "serve", "--config", config],
                                stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        await wait_ready(port, target, proc)
        for _ in range(200):  # a little warm-up, then the baseline
            _, _, writer = await open_tunnel(port, target)
            writer.close()
        await asyncio.sleep(2)
        base_rss, base_fds = rss_kib(proc.pid), fds(proc.pid)
        print(f"idle gateway: RSS {base_rss / 1024:.1f} MiB, {base_fds} fds")

        # the client's own noise at this rate (this process also runs the target): plain connections to the target
        direct = await paced(args.rate, min(args.tunnels, 3000), lambda: open_direct(target))
        close_all(direct[0])
        # the gateway warmed up at this rate, then measured
        close_all((await paced(args.rate, min(args.tunnels, 3000), lambda: open_tunnel(port, target)))[0])
        await asyncio.sleep(2)
        tunnels, setup, by_second, took = await paced(args.rate, args.tunnels, lambda: open_tunnel(port, target))
        print(f"opened {len(tunnels)} tunnels in {took:.1f} s ({len(tunnels) / took:.0f}/s asked {args.rate:.0f}/s): "
              f"setup p50 {statistics.median(setup):.2f} ms, p99 {pct(setup, 99):.2f} ms, max {max(setup):.2f} ms; "
              f"a plain connection to the target at the same rate: p50 {statistics.median(direct[1]):.2f} ms, "
              f"p99 {pct(direct[1], 99):.2f} ms; the gateway adds {pct(setup, 99) - pct(direct[1], 99):.2f} ms at p99")
        print("  p99 per second: " + " ".join(f"{pct(v, 99):.1f}" for _, v in sorted(by_second.items())))
        await asyncio.sleep(args.hold)
        if args.histogram:
            histogram = subprocess.run(["jcmd", str(proc.pid), "GC.class_histogram"], capture_output=True, text=True)
            print("\n".join(histogram.stdout.splitlines()[:args.histogram + 3]))
        rss, open_fds = rss_kib(proc.pid), fds(proc.pid)
        extra = rss - base_rss
        print(f"{len(tunnels)} idle tunnels: RSS {rss / 1024:.1f} MiB (+{extra / 1024:.1f} MiB, "
              f"{extra / len(tunnels):.1f} KiB per tunnel; {extra / 1024 / len(tunnels) * 10000:.0f} MiB per 10,000), "
              f"{open_fds} fds")
        alive = 0
        for reader, writer in tunnels[:: max(1, len(tunnels) // 100)]:
            writer.write(b"ping")
            await writer.drain()
            if await asyncio.wait_for(reader.readexactly(4), 5) == b"ping":
                alive += 1
        print(f"sampled tunnels still carrying bytes: {alive}/{len(tunnels[:: max(1, len(tunnels) // 100)])}")
        close_all(tunnels)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        server.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jar", default=os.path.join(ROOT, "gateway", "target", "rotagate.jar"))
    parser.add_argument("--tunnels", type=int, default=9000)
    parser.add_argument("--rate", type=float, default=1000, help="new tunnels per second")
    parser.add_argument("--hold", type=float, default=5, help="seconds to hold them idle before reading RSS")
    parser.add_argument("--histogram", type=int, default=0, help="print this many lines of the heap histogram")
    parser.add_argument("--access-log", default="text", choices=["text", "json", "off"])
    parser.add_argument("--java-opts", default=os.environ.get("ROTAGATE_JAVA_OPTS", ""))
    asyncio.run(main(parser.parse_args()))
