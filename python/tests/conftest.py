"""Fixtures for the Python side of the gymbridge tests.

By default a session-scoped fixture starts the Java env-server jar on a free port and stops it at
the end; GYMBRIDGE_ADDRESS=host:port points the tests at a server that is already running. A second
session-scoped fixture starts the Python server (python -m gymbridge.serve) in its own process.
The stubs come from the installed gymbridge package (bin/python-venv installs python/ into .venv).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import grpc
import pytest

PYTHON_DIR = Path(__file__).resolve().parents[1]
ROOT = PYTHON_DIR.parent
JAR = ROOT / "env-server" / "target" / "gymbridge-env-server.jar"
START_TIMEOUT_S = 60.0  # a cold JVM on a busy 2-core machine can take several seconds
GIVEN_SERVER_TIMEOUT_S = 10.0  # GYMBRIDGE_ADDRESS's server should already be up

# Envs the Python server fixture serves: the classic-control and toy-text set.
PYTHON_SERVER_ENVS = [
    "CartPole-v1",
    "Acrobot-v1",
    "MountainCar-v0",
    "FrozenLake-v1",
    "Taxi-v4",
    "Blackjack-v1",
]  # Gymnasium 1.3.0 registers Taxi-v4, not v3

from support import wire  # noqa: E402


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _health_status(channel: grpc.Channel, timeout_s: float) -> int:
    """grpc.health.v1.Health/Check for service "": 1 is SERVING.

    grpcio-health-checking is not on this machine's mirror, so the two tiny messages are coded by
    hand: HealthCheckRequest{service: ""} encodes to no bytes, and HealthCheckResponse is field 1
    (tag 0x08) holding the ServingStatus enum as a one-byte varint, absent when UNKNOWN (0).
    """
    check = channel.unary_unary(
        "/grpc.health.v1.Health/Check", request_serializer=bytes, response_deserializer=bytes
    )
    raw = check(b"", timeout=timeout_s)
    return raw[1] if raw[:1] == b"\x08" else 0


def _wait_serving(
    address: str,
    timeout_s: float,
    proc: subprocess.Popen | None = None,
    log: Path | None = None,
    what: str = "env-server",
) -> None:
    def server_log() -> str:
        if log is None:
            return ""
        text = log.read_text(errors="replace")[-4000:] if log.exists() else ""
        return f"\n--- server stderr (last 4000 chars) ---\n{text or '(empty)'}"

    deadline = time.monotonic() + timeout_s
    last = "no answer yet"
    with grpc.insecure_channel(address) as channel:
        while time.monotonic() < deadline:
            if proc is not None and proc.poll() is not None:
                pytest.fail(
                    f"{what} exited with status {proc.returncode} before serving on {address}."
                    + server_log(),
                    pytrace=False,
                )
            try:
                status = _health_status(channel, timeout_s=1.0)
                if status == 1:
                    return
                last = f"health status {status} (1 is SERVING)"
            except grpc.RpcError as e:
                last = f"{e.code().name}: {e.details()}"
            time.sleep(0.1)
    pytest.fail(
        f"{what} at {address} not SERVING after {timeout_s:.0f} s (last: {last})." + server_log(),
        pytrace=False,
    )


@pytest.fixture(scope="session")
def server_address(tmp_path_factory) -> str:
    """host:port of a SERVING env-server: GYMBRIDGE_ADDRESS's, or a jar started for this run."""
    given = os.environ.get("GYMBRIDGE_ADDRESS")
    if given:
        _wait_serving(given, GIVEN_SERVER_TIMEOUT_S)
        yield given
        return
    if not JAR.is_file():
        pytest.fail(
            f"{JAR} is missing: build it with\n"
            f"  cd {ROOT} && ./mvnw -q -B -pl env-server -am package -DskipTests\n"
            "(bin/python-tests does this), or set GYMBRIDGE_ADDRESS=host:port to use a running "
            "server.",
            pytrace=False,
        )
    port = _free_port()
    address = f"127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("env-server") / "stderr.log"
    with open(log, "wb") as err:
        proc = subprocess.Popen(
            ["java", "-jar", str(JAR), "--host", "127.0.0.1", "--port", str(port)],
            stdin=subprocess.DEVNULL,
            stdout=err,
            stderr=err,
        )
    try:
        _wait_serving(address, START_TIMEOUT_S, proc, log)
        yield address
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


CORRIDOR_PLUGIN = ROOT / "examples" / "corridor-env" / "target" / "corridor-env.jar"


@pytest.fixture(scope="session")
def plugin_server_address(tmp_path_factory) -> str:
    """host:port of an env-server jar started with the example env plugin (--plugin)."""
    for jar in (JAR, CORRIDOR_PLUGIN):
        if not jar.is_file():
            pytest.fail(
                f"{jar} is missing: build it with\n"
                f"  cd {ROOT} && ./mvnw -q -B -pl examples/corridor-env -am package -DskipTests\n"
                "(bin/python-tests does this)",
                pytrace=False,
            )
    port = _free_port()
    address = f"127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("plugin-server") / "stderr.log"
    cmd = ["java", "-jar", str(JAR), "--host", "127.0.0.1", "--port", str(port)]
    cmd += ["--plugin", str(CORRIDOR_PLUGIN)]
    with open(log, "wb") as err:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=err, stderr=err)
    try:
        _wait_serving(address, START_TIMEOUT_S, proc, log)
        yield address
    finally:
        _stop(proc)


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="session")
def python_server_address(tmp_path_factory) -> str:
    """host:port of a Python gymbridge server (python -m gymbridge.serve) in its own process,
    serving PYTHON_SERVER_ENVS; GYMBRIDGE_PYTHON_ADDRESS=host:port uses a running one instead."""
    given = os.environ.get("GYMBRIDGE_PYTHON_ADDRESS")
    if given:
        _wait_serving(given, GIVEN_SERVER_TIMEOUT_S, what="python server")
        yield given
        return
    port = _free_port()
    address = f"127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("python-server") / "stderr.log"
    cmd = [sys.executable, "-m", "gymbridge.serve", "--port", str(port)]
    for env_id in PYTHON_SERVER_ENVS:
        cmd += ["--env", env_id]
    with open(log, "wb") as err:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=err, stderr=err)
    try:
        _wait_serving(address, START_TIMEOUT_S, proc, log, what="python server")
        yield address
    finally:
        _stop(proc)


@pytest.fixture(scope="session")
def channel(server_address):
    with grpc.insecure_channel(server_address) as ch:
        yield ch


@pytest.fixture(scope="session")
def client(channel) -> wire.Client:
    return wire.Client(channel)


@pytest.fixture(scope="session")
def pki(tmp_path_factory):
    """Certificates for TLS tests (support/certs.py), made once per run."""
    from support.certs import make_pki

    return make_pki(tmp_path_factory.mktemp("pki"))
