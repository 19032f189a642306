"""Spaces on the wire decode to the gymnasium spaces Gymnasium itself builds, with Box bounds sent
at full shape or as a scalar that the receiver broadcasts (space.proto); ListEnvs with every Atari
id fits a default Python client's 4 MiB receive limit (the session channel has the defaults)."""

from __future__ import annotations

import time

import gymnasium as gym
import numpy as np
import pytest

from gymbridge.v1 import space_pb2

from support import wire

DEFAULT_MAX_RECEIVE = 4 * 1024 * 1024


def box(shape, low, high, dtype=np.uint8) -> space_pb2.Space:
    return space_pb2.Space(
        box=space_pb2.BoxSpace(
            dtype=wire._ENUMS[np.dtype(dtype)],
            shape=shape,
            low=wire.to_tensor(np.asarray(low, dtype=dtype)),
            high=wire.to_tensor(np.asarray(high, dtype=dtype)),
        )
    )


def test_scalar_bounds_broadcast_to_the_box_shape():
    space = wire.to_space(box([210, 160, 3], 0, 255))
    assert space == gym.spaces.Box(0, 255, (210, 160, 3), np.uint8)
    assert space.low.shape == (210, 160, 3)


def test_full_shape_bounds_are_kept_per_element():
    high = np.array([4.8, np.finfo(np.float32).max, 0.41887903, np.finfo(np.float32).max])
    space = wire.to_space(box([4], -high, high, np.float32))
    assert space == gym.spaces.Box(
        -high.astype(np.float32), high.astype(np.float32), (4,), np.float32
    )


def test_a_bound_of_another_shape_is_refused():
    with pytest.raises(ValueError, match=r"shape \[2\], expected the Box's \[3\] or \[\]"):
        wire.to_space(box([3], [0, 0], [1, 1, 1], np.float32))


def test_list_envs_fits_a_default_client_and_decodes(client):
    start = time.monotonic()
    listed = client.list_envs()
    took = time.monotonic() - start
    size = listed.ByteSize()
    print(f"ListEnvs: {len(listed.envs)} envs, {size} bytes, {took:.2f} s")
    assert size < DEFAULT_MAX_RECEIVE
    for spec in listed.envs:
        wire.to_space(spec.observation_space)
        wire.to_space(spec.action_space)


@pytest.mark.parametrize(
    "env_id, kwargs",
    [
        ("CartPole-v1", {}),
        ("ALE/Pong-v5", {}),
        ("ALE/Adventure-v5", {"obs_type": "grayscale"}),
        ("ALE/Skiing-v5", {"obs_type": "ram", "full_action_space": True}),
        ("BreakoutNoFrameskip-v4", {}),
    ],
)
def test_made_spaces_equal_gymnasiums(client, env_id, kwargs):
    made = client.make(env_id, kwargs=kwargs)
    try:
        if env_id.startswith(("ALE/", "Breakout")):
            import ale_py

            gym.register_envs(ale_py)
        env = gym.make(env_id, **kwargs)
        try:
            assert wire.to_space(made.spec.observation_space) == env.observation_space
            assert wire.to_space(made.spec.action_space) == env.action_space
        finally:
            env.close()
    finally:
        client.close(made.session_id)
