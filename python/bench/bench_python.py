"""CartPole-v1 steps/s: in-process Gymnasium vs gymbridge's Python client over gRPC loopback.

    bin/bench-python [--seconds 3] [--num-envs 64]

Cases: gymnasium.make (1 env) and SyncVectorEnv (gym.make_vec, vectorization_mode="sync", the same
per-env semantics as a gymbridge session) in-process; gymbridge.make / make_vec against the Java
env-server and against the Python server, each in its own process on loopback. Random actions drawn
beforehand; single envs reset when an episode ends, vector envs autoreset (NEXT_STEP). Each case
warms up for --warmup seconds (default 3: the Java server's JIT needs a few seconds of calls
before a round trip reaches its steady cost), then counts env steps for --seconds.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time

import gymnasium as gym
import numpy as np

import gymbridge


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(address: str, proc: subprocess.Popen, timeout_s: float = 60):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server for {address} exited with {proc.returncode}")
        try:
            gymbridge.make("CartPole-v1", address=address, timeout_s=1).close()
            return
        except gymbridge.RemoteError:
            time.sleep(0.2)
    raise RuntimeError(f"no server on {address} after {timeout_s} s")


WARMUP_S = 3.0


def timed(step_fn, seconds: float, per_call: int) -> float:
    """Env steps per second of step_fn (one call = per_call env steps), after WARMUP_S of calls."""
    end = time.perf_counter() + WARMUP_S
    while time.perf_counter() < end:
        step_fn()
    calls = 0
    start = time.perf_counter()
    end = start + seconds
    while True:
        for _ in range(16):
            step_fn()
        calls += 16
        now = time.perf_counter()
        if now >= end:
            return calls * per_call / (now - start)


def single(env, seconds: float) -> float:
    actions = np.random.default_rng(0).integers(2, size=4096)
    env.reset(seed=0)
    k = [0]

    def step():
        _, _, te, tr, _ = env.step(int(actions[k[0] & 4095]))
        k[0] += 1
        if te or tr:
            env.reset()

    try:
        return timed(step, seconds, 1)
    finally:
        env.close()


def vector(envs, n: int, seconds: float) -> float:
    actions = np.random.default_rng(0).integers(2, size=(256, n))
    envs.reset(seed=0)
    k = [0]

    def step():
        envs.step(actions[k[0] & 255])
        k[0] += 1

    try:
        return timed(step, seconds, n)
    finally:
        envs.close()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--jar", required=True, help="the env-server jar (bin/bench-python passes it)")
    p.add_argument("--seconds", type=float, default=3.0)
    p.add_argument("--num-envs", type=int, default=64)
    p.add_argument("--warmup", type=float, default=3.0, help="seconds of calls before measuring")
    a = p.parse_args()
    global WARMUP_S
    WARMUP_S = a.warmup
    n = a.num_envs
    java_port, py_port = free_port(), free_port()
    env = dict(os.environ, GYMBRIDGE_LOG_LEVEL="WARN")
    java = subprocess.Popen(
        ["java", "-jar", a.jar, "--port", str(java_port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    py = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gymbridge.serve",
            "--env",
            "CartPole-v1",
            "--port",
            str(py_port),
            "--log-level",
            "warning",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        java_addr, py_addr = f"127.0.0.1:{java_port}", f"127.0.0.1:{py_port}"
        wait_up(java_addr, java)
        wait_up(py_addr, py)
        rows = [
            ("in-process gymnasium.make", 1, lambda: single(gym.make("CartPole-v1"), a.seconds)),
            (
                "gymbridge.make -> Java server",
                1,
                lambda: single(gymbridge.make("CartPole-v1", java_addr), a.seconds),
            ),
            (
                "gymbridge.make -> Python server",
                1,
                lambda: single(gymbridge.make("CartPole-v1", py_addr), a.seconds),
            ),
            (
                "in-process SyncVectorEnv",
                n,
                lambda: vector(
                    gym.make_vec("CartPole-v1", n, vectorization_mode="sync"), n, a.seconds
                ),
            ),
            (
                "gymbridge.make_vec -> Java server",
                n,
                lambda: vector(gymbridge.make_vec("CartPole-v1", n, java_addr), n, a.seconds),
            ),
            (
                "gymbridge.make_vec -> Python server",
                n,
                lambda: vector(gymbridge.make_vec("CartPole-v1", n, py_addr), n, a.seconds),
            ),
        ]
        print(
            f"CartPole-v1, random actions, {a.seconds:g} s per case after {a.warmup:g} s warm-up, "
            f"{os.cpu_count()} CPUs"
        )
        print(f"| {'case':<38} | {'num_envs':>8} | {'steps/s':>12} | {'us/call':>9} |")
        print(f"|{'-' * 40}|{'-' * 10}:|{'-' * 13}:|{'-' * 10}:|")
        for name, k, fn in rows:
            sps = fn()
            print(f"| {name:<38} | {k:>8} | {sps:>12,.0f} | {1e6 * k / sps:>9.1f} |", flush=True)
    finally:
        for proc in (java, py):
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
