"""gymbridge.list_envs and python -m gymbridge.list_envs against real servers: what each env is
(spaces, time limit, threshold) as Gymnasium says it, the table, the connection settings, and one
clear error when no server answers."""

from __future__ import annotations

import subprocess
import sys

import grpc
import gymnasium as gym
import numpy as np
import pytest
from conftest import PYTHON_SERVER_ENVS, _free_port

import gymbridge
from gymbridge.list_envs import brief, table


def as_gymnasium_says(env_id: str) -> tuple:
    spec = gym.spec(env_id)
    env = gym.make(env_id)
    try:
        return (
            env.observation_space,
            env.action_space,
            spec.max_episode_steps,
            spec.reward_threshold,
        )
    finally:
        env.close()


def described(served: gymbridge.ServedEnv) -> tuple:
    return (
        served.observation_space,
        served.action_space,
        served.max_episode_steps,
        served.reward_threshold,
    )


def test_the_java_servers_cartpole_is_listed_as_gymnasium_describes_it(server_address):
    envs = gymbridge.list_envs(server_address)
    ids = [e.id for e in envs]
    assert ids == sorted(ids) and {"CartPole-v1", "CartPole-v0", "PixelChoice-v0"} <= set(ids)
    cartpole = envs[ids.index("CartPole-v1")]
    assert described(cartpole) == as_gymnasium_says("CartPole-v1")
    assert "pole" in cartpole.description
    assert cartpole.kwargs == {"sutton_barto_reward": False}
    assert cartpole.render_modes == ("rgb_array",) and not cartpole.nondeterministic
    pixel = envs[ids.index("PixelChoice-v0")]
    assert pixel.max_episode_steps is None and pixel.reward_threshold == 15.0


def test_the_python_servers_envs_are_listed_as_gymnasium_describes_them(python_server_address):
    envs = {e.id: e for e in gymbridge.list_envs(python_server_address)}
    assert sorted(envs) == sorted(PYTHON_SERVER_ENVS)
    for env_id in PYTHON_SERVER_ENVS:
        assert described(envs[env_id]) == as_gymnasium_says(env_id), env_id
        assert envs[env_id].description, env_id


def test_the_command_line_prints_one_row_per_env(server_address):
    done = subprocess.run(
        [sys.executable, "-m", "gymbridge.list_envs", server_address],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split()[:3] == ["ID", "OBSERVATION", "SPACE"]
    assert len(lines) == 1 + len(gymbridge.list_envs(server_address))
    row = next(line for line in lines if line.startswith("CartPole-v1 "))
    assert row.split()[:6] == ["CartPole-v1", "Box((4,),", "float32)", "Discrete(2)", "500", "475"]
    assert row.endswith("CartPole.")  # whole descriptions into a pipe


def test_an_unreachable_server_is_one_error_that_names_the_address_and_the_fix():
    address = f"127.0.0.1:{_free_port()}"
    with pytest.raises(gymbridge.RemoteError) as caught:
        gymbridge.list_envs(address, timeout_s=10)
    assert caught.value.code == grpc.StatusCode.UNAVAILABLE
    assert f"ListEnvs at {address} failed with UNAVAILABLE" in str(caught.value)
    assert "is the server up at that address" in str(caught.value)
    done = subprocess.run(
        [sys.executable, "-m", "gymbridge.list_envs", address, "--timeout-s", "10"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.splitlines() == [f"gymbridge.list_envs: {caught.value}"]


def test_the_token_travels_and_a_missing_one_is_unauthenticated(tmp_path):
    with gymbridge.serve("CartPole-v1", port=0, token="s3cret") as server:
        with pytest.raises(gymbridge.RemoteError) as caught:
            gymbridge.list_envs(server.address)
        assert caught.value.code == grpc.StatusCode.UNAUTHENTICATED
        assert [e.id for e in gymbridge.list_envs(server.address, token="s3cret")] == [
            "CartPole-v1"
        ]
        token_file = tmp_path / "token"
        token_file.write_text("s3cret\n")
        cli = [sys.executable, "-m", "gymbridge.list_envs", server.address]
        done = subprocess.run(
            [*cli, "--token-file", str(token_file)], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0 and "CartPole-v1" in done.stdout, done.stderr


def test_importing_the_module_keeps_gymbridge_list_envs_callable(python_server_address):
    import gymbridge.list_envs  # rebinds the package attribute to the module

    assert [e.id for e in gymbridge.list_envs(python_server_address)] == sorted(PYTHON_SERVER_ENVS)


def test_the_table_cuts_descriptions_to_the_width_and_keeps_the_columns():
    envs = [
        gymbridge.ServedEnv(
            id="Long-v0",
            observation_space=gym.spaces.Tuple((gym.spaces.Discrete(3), gym.spaces.Box(0, 1))),
            action_space=gym.spaces.Box(np.float32([-1, -2]), np.float32([1, 2])),
            max_episode_steps=None,
            reward_threshold=0.7,
            description="word " * 40,
            kwargs={},
            render_modes=(),
            nondeterministic=False,
        )
    ]
    assert brief(envs[0].action_space) == "Box((2,), float32)"
    assert brief(envs[0].observation_space) == "Tuple(Discrete(3), Box(0.0, 1.0, (1,), float32))"
    whole = table(envs).splitlines()
    steps_column = whole[0].index("MAX STEPS")
    assert whole[1][steps_column:].split()[:2] == ["-", "0.7"] and whole[1].endswith("word")
    cut = table(envs, width=150).splitlines()
    assert all(len(line) <= 150 for line in cut) and cut[1].endswith("...")
    narrow = table(envs, width=10).splitlines()  # the columns stay, with some description
    description_at = whole[0].index("DESCRIPTION")
    assert narrow[1] == whole[1][: description_at + 17] + "..."
