"""The conformance kit (python -m gymbridge.conformance) against both servers: the Java env-server
and the Python server must keep the same promises. Runs the kit as a third party would, in its own
process, and shows its output when it fails. A check the kit skips must be one of EXPECTED_SKIPS,
for the reason given there: a skip is a check that proved nothing, so a new one fails this run."""

from __future__ import annotations

import subprocess
import sys

import pytest

# (env id, check) -> words of the reason the kit must give for skipping it.
EXPECTED_SKIPS = {
    # Corridor-v0 (examples/corridor-env) is not a Gymnasium env: there is nothing to compare its
    # spaces with, and its reset options are its own.
    ("Corridor-v0", "test_the_spaces_of_a_gymnasium_id_are_gymnasiums"): "no Gymnasium env",
    ("Corridor-v0", "test_an_unknown_reset_option_is_invalid_argument"): "may take options",
    # At its default slip of 0 the corridor has no randomness: every seed plays the same episode.
    ("Corridor-v0", "test_no_seed_continues_each_envs_generator"): "do not depend on their seed",
}


def run_kit(address: str, env_id: str) -> None:
    cmd = [sys.executable, "-m", "gymbridge.conformance", "--address", address, "--env", env_id]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    print(done.stdout[-3000:])
    assert done.returncode == 0, (
        f"conformance kit failed against {address} ({env_id}), exit {done.returncode}:\n"
        f"{done.stdout[-8000:]}\n{done.stderr[-2000:]}"
    )
    assert " passed" in done.stdout
    skipped = {}  # the kit's summary: "skipped <check>: <reason>"
    for line in done.stdout.splitlines():
        if line.startswith("skipped test_"):
            check, reason = line.removeprefix("skipped ").split(": ", 1)
            skipped[check] = reason
    expected = {c: why for (e, c), why in EXPECTED_SKIPS.items() if e == env_id}
    assert skipped.keys() == expected.keys(), (
        f"the kit skipped {sorted(skipped)} against {env_id}, expected {sorted(expected)}:\n"
        + "\n".join(f"{c}: {r}" for c, r in skipped.items())
    )
    for check, why in expected.items():
        assert why in skipped[check], f"{check} skipped for another reason: {skipped[check]}"


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
