"""The three autoreset modes, driven to episode ends with a short max_episode_steps override."""

import numpy as np

from gymbridge.v1 import env_service_pb2 as pb

from .conftest import actions, obs_of, same

STEPS = 3  # time limit for these sessions, so every episode ends within 3 steps


def run_until_an_end(raw, made, seed=0):
    for k in range(STEPS):
        resp = raw.step(made.session_id, actions(made, seed + k))
        ended = np.logical_or(resp.terminated, resp.truncated)
        if ended.any():
            return resp, ended
    raise AssertionError(f"no env ended within max_episode_steps={STEPS}")


def test_time_limit_truncates_at_max_episode_steps(raw):
    made = raw.make(mode=pb.AUTORESET_MODE_DISABLED, max_episode_steps=STEPS)
    raw.reset(made.session_id, seed=0)
    for k in range(STEPS):
        resp = raw.step(made.session_id, actions(made, k))
        if resp.terminated[0]:
            return  # ended by the MDP first; nothing to say about the limit
        assert resp.truncated[0] == (k == STEPS - 1)


def test_next_step_resets_an_ended_env_on_the_following_step(raw):
    made = raw.make(num_envs=2, mode=pb.AUTORESET_MODE_NEXT_STEP, max_episode_steps=STEPS)
    raw.reset(made.session_id, seed=0)
    resp, ended = run_until_an_end(raw, made)
    assert not resp.final_env_indices
    nxt = raw.step(made.session_id, actions(made, 99))
    for i in np.flatnonzero(ended):
        assert nxt.rewards[i] == 0.0 and not nxt.terminated[i] and not nxt.truncated[i]


def test_next_step_reset_observation_is_the_seeded_continuation(raw):
    """The autoreset draws from the env's own generator: two sessions seeded alike agree."""
    a = raw.make(mode=pb.AUTORESET_MODE_NEXT_STEP, max_episode_steps=STEPS)
    b = raw.make(mode=pb.AUTORESET_MODE_NEXT_STEP, max_episode_steps=STEPS)
    raw.reset(a.session_id, seed=8)
    raw.reset(b.session_id, seed=8)
    for k in range(STEPS + 1):
        act = actions(a, k)
        ra, rb = raw.step(a.session_id, act), raw.step(b.session_id, act)
        assert same(obs_of(a, ra.observation), obs_of(b, rb.observation))


def test_same_step_reports_the_final_observation_and_resets_at_once(raw):
    made = raw.make(num_envs=2, mode=pb.AUTORESET_MODE_SAME_STEP, max_episode_steps=STEPS)
    raw.reset(made.session_id, seed=0)
    resp, ended = run_until_an_end(raw, made)
    assert list(resp.final_env_indices) == list(np.flatnonzero(ended))
    finals = obs_of(made, resp.final_observation, n=len(resp.final_env_indices))
    assert finals is not None
    assert len(resp.final_infos) in (0, len(resp.final_env_indices))
    nxt = raw.step(made.session_id, actions(made, 50))
    for i in np.flatnonzero(ended):  # a fresh episode: it goes on after the reset
        assert not (nxt.terminated[i] and nxt.truncated[i])


def test_disabled_never_resets_by_itself(raw):
    made = raw.make(num_envs=2, mode=pb.AUTORESET_MODE_DISABLED, max_episode_steps=STEPS)
    raw.reset(made.session_id, seed=0)
    resp, ended = run_until_an_end(raw, made)
    assert not resp.final_env_indices
    reset = raw.Reset(
        pb.ResetRequest(session_id=made.session_id, reset_mask=list(map(bool, ended)))
    )
    assert reset.observation.WhichOneof("kind") is not None
    again = raw.step(made.session_id, actions(made, 7))
    for i in np.flatnonzero(ended):
        assert not again.truncated[i]  # a fresh episode after the masked reset
