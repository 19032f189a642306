"""The conformance kit (python -m gymbridge.conformance) against both servers: the Java env-server
and the Python server must keep the same promises. Runs the kit as a third party would, in its own
process, and shows its output when it fails."""

from __future__ import annotations

import subprocess
import sys

import pytest


def run_kit(address: str, env_id: str) -> None:
    cmd = [sys.executable, "-m", "gymbridge.conformance", "--address", address, "--env", env_id]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    print(done.stdout[-3000:])
    assert done.returncode == 0, (
        f"conformance kit failed against {address} ({env_id}), exit {done.returncode}:\n"
        f"{done.stdout[-8000:]}\n{done.stderr[-2000:]}"
    )
    assert " passed" in done.stdout


def test_the_java_env_server_conforms(server_address):
    run_kit(server_address, "CartPole-v1")


@pytest.mark.parametrize(
    "env_id", ["CartPole-v1", "Blackjack-v1", "FrozenLake-v1", "Taxi-v4", "Acrobot-v1"]
)
def test_the_python_server_conforms(python_server_address, env_id):
    run_kit(python_server_address, env_id)


def test_an_env_plugin_served_by_the_java_server_conforms(plugin_server_address):
    # examples/corridor-env, loaded with env-server --plugin: a third party's env gets the same
    # sessions, seeding, autoreset and errors as the built-in ones.
    run_kit(plugin_server_address, "Corridor-v0")
