#!/usr/bin/env python3
"""Measures what oversized health requests cost a Python server: starts ``python -m
gymbridge.serve --env CartPole-v1`` on a free port (no token: health needs none), sends CALLS
concurrent grpc.health.v1 Check requests whose service name is SIZE_MB megabytes, then prints the
server's resident memory before, its peak (VmHWM) and the statuses the calls got, and checks that
another client's health check still answers. docs/security.md quotes its figures.

    .venv/bin/python python/tools/health_flood.py [--calls 8] [--size-mb 60] [--rounds 3]
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import socket
import subprocess
import sys
import time

import grpc

CHECK = "/grpc.health.v1.Health/Check"


def _status_kb(pid: int, field: str) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _health(address: str, request: bytes, timeout: float) -> str:
    with grpc.insecure_channel(
        address, options=[("grpc.max_send_message_length", 128 << 20)]
    ) as ch:
        try:
            ch.unary_unary(CHECK)(request, timeout=timeout)
            return "OK"
        except grpc.RpcError as e:
            return e.code().name


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--calls", type=int, default=8)
    p.add_argument("--size-mb", type=int, default=60)
    p.add_argument("--rounds", type=int, default=3)
    a = p.parse_args()
    port = _free_port()
    address = f"127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "gymbridge.serve", "--env", "CartPole-v1", "--port", str(port)]
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while _health(address, b"", 2) != "OK":
            if time.monotonic() > deadline or server.poll() is not None:
                print("the server did not start", file=sys.stderr)
                return 1
            time.sleep(0.2)
        before = _status_kb(server.pid, "VmRSS")
        name = b"x" * (a.size_mb * 1_000_000)
        # HealthCheckRequest{string service = 1}: tag, varint length, the name.
        length, n = bytearray(), len(name)
        while n >= 0x80:
            length.append(n & 0x7F | 0x80)
            n >>= 7
        length.append(n)
        request = b"\x0a" + bytes(length) + name
        statuses: collections.Counter = collections.Counter()
        start = time.monotonic()
        for _ in range(a.rounds):
            with concurrent.futures.ThreadPoolExecutor(a.calls) as pool:
                for s in pool.map(lambda _: _health(address, request, 60), range(a.calls)):
                    statuses[s] += 1
        seconds = time.monotonic() - start
        other = _health(address, b"", 5)
        peak = _status_kb(server.pid, "VmHWM")
        after = _status_kb(server.pid, "VmRSS")
        print(
            f"{a.rounds} rounds of {a.calls} concurrent {a.size_mb} MB health requests in "
            f"{seconds:.1f} s: server RSS {before / 1024:.0f} MiB before, peak {peak / 1024:.0f} "
            f"MiB, {after / 1024:.0f} MiB after; statuses {dict(statuses)}; another client's "
            f"health check afterwards: {other}"
        )
        return 0
    finally:
        server.terminate()
        server.wait(timeout=15)


if __name__ == "__main__":
    sys.exit(main())
