"""gymbridge.make / make_vec against real servers: Gymnasium's env checker with warnings as
errors, parity with local Gymnasium over seeded episodes, vector envs in every autoreset mode, and
errors that say what went wrong."""

from __future__ import annotations

import warnings

import grpc
import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env
from gymnasium.vector import AutoresetMode

import gymbridge


def check_env_warnings(env, skip_render_check=False) -> list[str]:
    """check_env, returning every warning it raised (any error fails the test)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_env(env, skip_render_check=skip_render_check)
    return sorted(str(w.message) for w in caught)


def local_warnings(env_id: str) -> list[str]:
    """What check_env says about Gymnasium's own env: Gymnasium 1.3.0's CartPole-v1 has infinite
    Box bounds, which check_env itself warns about, so an exact remote copy must warn the same."""
    if env_id.startswith("ALE/"):
        import ale_py

        gym.register_envs(ale_py)
    local = gym.make(env_id).unwrapped
    try:
        return check_env_warnings(
            local, skip_render_check=True
        )  # no pygame here; remote renders are checked
    finally:
        local.close()


def checked(env, env_id, skip_render_check=False):
    """check_env with no warning beyond those Gymnasium's own env gets (none for Pong, Blackjack,
    FrozenLake; the two infinite-bound ones for CartPole)."""
    assert check_env_warnings(env, skip_render_check) == local_warnings(env_id)


@pytest.mark.parametrize("env_id", ["CartPole-v1", "ALE/Pong-v5"])
def test_check_env_passes_without_warnings_on_the_java_server(server_address, env_id):
    env = gymbridge.make(env_id, address=server_address)
    try:
        checked(env, env_id)
    finally:
        env.close()


@pytest.mark.parametrize("env_id", ["CartPole-v1", "Blackjack-v1", "FrozenLake-v1"])
def test_check_env_passes_without_warnings_on_the_python_server(python_server_address, env_id):
    env = gymbridge.make(env_id, address=python_server_address)
    try:
        checked(
            env, env_id, skip_render_check=True
        )  # Gymnasium's renderers need pygame, not installed
    finally:
        env.close()


def test_check_env_warnings_of_cartpole_are_only_gymnasiums_own():
    assert all("infinity" in w for w in local_warnings("CartPole-v1"))
    assert local_warnings("Blackjack-v1") == []


def test_remote_env_is_a_gymnasium_env_with_spec_and_metadata(server_address):
    env = gymbridge.make("CartPole-v1", address=server_address, render_mode="rgb_array")
    try:
        local = gym.make("CartPole-v1")
        assert isinstance(env, gym.Env) and env.unwrapped is env
        assert env.observation_space == local.observation_space
        assert env.action_space == local.action_space
        assert env.spec.id == "CartPole-v1" and env.spec.max_episode_steps == 500
        assert env.spec.reward_threshold == 475.0
        assert env.metadata["render_modes"] == ["rgb_array"] and env.metadata["render_fps"] == 50
        env.reset(seed=0)
        frame = env.render()
        assert frame.dtype == np.uint8 and frame.shape == (400, 600, 3)
        # np_random: seeded as Gymnasium seeds an env's generator (the env's draws are on the
        # server).
        env.reset(seed=7)
        expected, _ = gym.utils.seeding.np_random(7)
        assert env.np_random.bit_generator.state == expected.bit_generator.state
        env.close()
        env.close()  # closing twice is allowed
    finally:
        env.close()


@pytest.mark.parametrize("seed", [0, 1, 42])
def test_cartpole_parity_with_local_gymnasium_over_seeded_episodes(server_address, seed):
    remote = gymbridge.make("CartPole-v1", address=server_address)
    local = gym.make("CartPole-v1")
    try:
        actions = np.random.default_rng(seed)
        for episode in range(3):
            s = seed if episode == 0 else None  # then seed=None continues both RNGs
            ro, _ = remote.reset(seed=s)
            lo, _ = local.reset(seed=s)
            assert ro.dtype == lo.dtype and ro.tobytes() == lo.tobytes()
            done = False
            while not done:
                a = int(actions.integers(2))
                r = remote.step(a)
                l_ = local.step(a)
                assert r[0].tobytes() == l_[0].tobytes() and r[1:4] == l_[1:4]
                done = r[2] or r[3]
    finally:
        remote.close()
        local.close()


@pytest.mark.parametrize(
    "mode", [AutoresetMode.NEXT_STEP, AutoresetMode.SAME_STEP, AutoresetMode.DISABLED]
)
@pytest.mark.parametrize("which", ["java", "python"])
def test_make_vec_matches_sync_vector_env(request, mode, which):
    address = request.getfixturevalue(
        "server_address" if which == "java" else "python_server_address"
    )
    n = 4
    remote = gymbridge.make_vec("CartPole-v1", n, address=address, autoreset_mode=mode)
    local = gym.make_vec(
        "CartPole-v1", n, vectorization_mode="sync", vector_kwargs={"autoreset_mode": mode}
    )
    try:
        assert isinstance(remote, gym.vector.VectorEnv)
        assert remote.metadata["autoreset_mode"] == mode
        assert remote.observation_space == local.observation_space
        assert remote.action_space == local.action_space
        ro, _ = remote.reset(seed=3)
        lo, _ = local.reset(seed=3)
        np.testing.assert_array_equal(ro, lo)
        rng = np.random.default_rng(0)
        finals = 0
        for _ in range(120):
            a = rng.integers(2, size=n)
            r = remote.step(a)
            l_ = local.step(a)
            np.testing.assert_array_equal(r[0], l_[0])
            for x, y in zip(r[1:4], l_[1:4], strict=True):
                np.testing.assert_array_equal(x, y)
                assert x.dtype == y.dtype
            if mode == AutoresetMode.SAME_STEP and "final_obs" in l_[4]:
                finals += 1
                np.testing.assert_array_equal(r[4]["_final_obs"], l_[4]["_final_obs"])
                for i in np.flatnonzero(l_[4]["_final_obs"]):
                    np.testing.assert_array_equal(r[4]["final_obs"][i], l_[4]["final_obs"][i])
            if mode == AutoresetMode.DISABLED:
                ended = r[2] | r[3]
                if ended.any():
                    ro, _ = remote.reset(options={"reset_mask": ended})
                    lo, _ = local.reset(options={"reset_mask": ended})
                    np.testing.assert_array_equal(ro, lo)
        if mode == AutoresetMode.SAME_STEP:
            assert finals > 0
    finally:
        remote.close()
        local.close()


def test_server_errors_reach_the_user_as_exceptions_that_say_what_went_wrong(server_address):
    with pytest.raises(gymbridge.RemoteError) as e:
        gymbridge.make("NoSuchEnv-v0", address=server_address)
    assert e.value.code == grpc.StatusCode.NOT_FOUND and "CartPole-v1" in str(e.value)
    env = gymbridge.make("CartPole-v1", address=server_address)
    try:
        with pytest.raises(gymbridge.RemoteError, match="FAILED_PRECONDITION"):
            env.step(0)
        env.reset(seed=0)
        with pytest.raises(gymbridge.RemoteError) as e:
            env.step(5)
        assert e.value.code == grpc.StatusCode.INVALID_ARGUMENT and "action" in e.value.details
        assert env.step(1)[1] == 1.0  # the session goes on
    finally:
        env.close()


class _Exploding(gym.Env):
    """Raises inside step, as a buggy env would."""

    observation_space = gym.spaces.Box(-1.0, 1.0, (2,), np.float32)
    action_space = gym.spaces.Discrete(2)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        return np.zeros(2, np.float32), {}

    def step(self, action):
        if action == 1:
            raise ZeroDivisionError("the env divided by zero on purpose")
        return np.zeros(2, np.float32), 0.0, False, False, {}


def test_an_exception_inside_a_served_env_becomes_a_grpc_error_with_its_message():
    server = gymbridge.serve({"Exploding-v0": _Exploding}, port=0)
    try:
        env = gymbridge.make("Exploding-v0", address=server.address)
        env.reset(seed=0)
        with pytest.raises(gymbridge.RemoteError) as e:
            env.step(1)
        assert e.value.code == grpc.StatusCode.INTERNAL
        assert "ZeroDivisionError: the env divided by zero on purpose" in e.value.details
        assert env.step(0)[1] == 0.0  # the server keeps serving
        other = gymbridge.make("Exploding-v0", address=server.address)
        other.reset()
        other.close()
        env.close()
    finally:
        server.stop()


def test_make_vec_works_under_gymnasiums_vector_wrappers(server_address):
    envs = gym.wrappers.vector.RecordEpisodeStatistics(
        gymbridge.make_vec("CartPole-v1", 8, address=server_address)
    )
    try:
        envs.reset(seed=0)
        rng = np.random.default_rng(0)
        lengths = []
        for _ in range(200):
            _, _, term, trunc, info = envs.step(rng.integers(2, size=8))
            if "episode" in info:
                lengths += list(info["episode"]["l"][info["_episode"]])
        assert len(lengths) >= 8 and all(8 <= n <= 500 for n in lengths)
    finally:
        envs.close()
