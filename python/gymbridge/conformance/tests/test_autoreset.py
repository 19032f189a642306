"""Time limits and the three autoreset modes, driven through several episode ends with a short
max_episode_steps, and compared step by step with the reference (reference.py) run by the
contract's rule for each mode."""

import numpy as np
import pytest

from gymbridge.v1 import env_service_pb2 as pb

from .conftest import actions, draw, encode, spaces_of
from .reference import Transition, observations, reference_envs, transitions

STEPS = 3  # time limit for these sessions, so every episode ends within 3 steps
PLAY = 2 * STEPS + 2  # steps each mode is followed through: at least two episode ends per env


def run_until_an_end(raw, made, seed=0):
    for k in range(STEPS):
        resp = raw.step(made.session_id, actions(made, seed + k))
        ended = np.logical_or(resp.terminated, resp.truncated)
        if ended.any():
            return resp, ended
    raise AssertionError(f"no env ended within max_episode_steps={STEPS}")


def _same(what: str, got, want) -> None:
    assert got == want, f"{what}: server {got}, expected {want}"


def test_time_limit_truncates_at_max_episode_steps(raw):
    """With max_episode_steps=1 the first step of every episode is truncated, however it ends;
    with 3, no step before the third is, and the third is for every episode that gets there."""
    one = raw.make(num_envs=2, mode=pb.AUTORESET_MODE_DISABLED, max_episode_steps=1)
    raw.reset(one.session_id, seed=0)
    resp = raw.step(one.session_id, actions(one, 0))
    assert list(resp.truncated) == [True, True], (
        f"with max_episode_steps=1 the first step must be truncated: truncated="
        f"{list(resp.truncated)}, terminated={list(resp.terminated)}"
    )
    made = raw.make(num_envs=4, mode=pb.AUTORESET_MODE_DISABLED, max_episode_steps=STEPS)
    raw.reset(made.session_id, seed=0)
    running = [True] * 4
    for k in range(1, STEPS + 1):
        resp = raw.step(made.session_id, actions(made, k))
        for i in np.flatnonzero(running):
            assert resp.truncated[i] == (k == STEPS), (
                f"env {i}, step {k} of an episode limited to {STEPS} steps: "
                f"truncated={resp.truncated[i]}, terminated={resp.terminated[i]}"
            )
            running[i] = not (resp.terminated[i] or resp.truncated[i])


def test_next_step_resets_an_ended_env_on_the_following_step(raw):
    made = raw.make(num_envs=2, mode=pb.AUTORESET_MODE_NEXT_STEP, max_episode_steps=STEPS)
    raw.reset(made.session_id, seed=0)
    resp, ended = run_until_an_end(raw, made)
    assert not resp.final_env_indices and not resp.HasField("final_observation")
    nxt = raw.step(made.session_id, actions(made, 99))
    for i in np.flatnonzero(ended):
        assert nxt.rewards[i] == 0.0 and not nxt.terminated[i] and not nxt.truncated[i], (
            f"env {i} ended on the previous step; this step must be its reset (reward 0, not "
            f"ended), got reward {nxt.rewards[i]}, terminated={nxt.terminated[i]}, "
            f"truncated={nxt.truncated[i]}"
        )


def test_next_step_reset_observation_is_the_seeded_continuation(raw, reference):
    """NEXT_STEP, step by step: an env that ended on the previous step is reset without a seed
    (its generator goes on) instead of stepped, with reward 0 and no flags; any other env steps.
    The reference envs run that rule by hand."""
    n = 2
    made = raw.make(num_envs=n, mode=pb.AUTORESET_MODE_NEXT_STEP, max_episode_steps=STEPS)
    obs_space, _ = spaces_of(made)
    refs = reference_envs(raw, reference, made, n, STEPS)
    got = observations(obs_space, raw.reset(made.session_id, seed=8).observation, n)
    for i in range(n):
        _same(f"env {i} reset with seed {8 + i}", got[i], refs[i].reset(8 + i))
    pending = [False] * n
    for k in range(PLAY):
        row = draw(made, k)
        resp = raw.step(made.session_id, encode(made, row))
        got = transitions(obs_space, resp, n)
        for i in range(n):
            if pending[i]:
                want = Transition(refs[i].reset(None), 0.0, False, False)
            else:
                want = refs[i].step(row[i])
            _same(f"step {k + 1}, env {i}{' (the autoreset)' if pending[i] else ''}", got[i], want)
            pending[i] = want.ended


def test_same_step_reports_the_final_observation_and_resets_at_once(raw, reference):
    """SAME_STEP, step by step: an env whose episode ends is reset (no seed) in the same step; the
    step returns the reset observation, the episode's reward and flags, and the episode's real last
    observation in final_observation for the ended envs (ascending)."""
    n = 2
    made = raw.make(num_envs=n, mode=pb.AUTORESET_MODE_SAME_STEP, max_episode_steps=STEPS)
    obs_space, _ = spaces_of(made)
    refs = reference_envs(raw, reference, made, n, STEPS)
    raw.reset(made.session_id, seed=0)
    for i in range(n):
        refs[i].reset(i)
    for k in range(PLAY):
        row = draw(made, k)
        resp = raw.step(made.session_id, encode(made, row))
        got = transitions(obs_space, resp, n)
        want = [refs[i].step(row[i]) for i in range(n)]
        ended = [i for i in range(n) if want[i].ended]
        assert list(resp.final_env_indices) == ended, (
            f"step {k + 1}: final_env_indices {list(resp.final_env_indices)}, the envs whose "
            f"episode ended: {ended}"
        )
        finals = observations(obs_space, resp.final_observation, len(ended)) if ended else []
        assert len(resp.final_infos) in (0, len(ended))
        for j, i in enumerate(ended):
            _same(f"step {k + 1}, env {i}: the final observation", finals[j], want[i].obs)
            want[i] = want[i]._replace(obs=refs[i].reset(None))
        for i in range(n):
            _same(f"step {k + 1}, env {i}", got[i], want[i])


def test_disabled_never_resets_by_itself(raw, reference):
    """DISABLED: an env whose episode ended is stepped on as a plain gymnasium.Env is (a time
    limit keeps truncating), never reset nor refused, until a Reset with its reset_mask flag."""
    # Without a reference the check needs an episode that reaches the time limit: 16 envs give
    # one even where most episodes terminate within 3 random steps (Blackjack's do).
    n = 2 if reference is not None else 16
    made = raw.make(num_envs=n, mode=pb.AUTORESET_MODE_DISABLED, max_episode_steps=STEPS)
    obs_space, _ = spaces_of(made)
    refs = reference_envs(raw, reference, made, n, STEPS) if reference is not None else None
    raw.reset(made.session_id, seed=0)
    if refs:
        for i in range(n):
            refs[i].reset(i)
    cut = [False] * n  # reached the time limit: the limit truncates every later step too
    ended = [False] * n
    for k in range(STEPS + 1):
        row = draw(made, k)
        resp = raw.step(made.session_id, encode(made, row))
        assert not resp.final_env_indices, "DISABLED reported final observations"
        got = transitions(obs_space, resp, n)
        for i in range(n):
            if refs:
                label = f"step {k + 1}, env {i}" + (" (its episode had ended)" if ended[i] else "")
                _same(label, got[i], refs[i].step(row[i]))
            elif cut[i]:
                assert got[i].truncated, (
                    f"step {k + 1}, env {i}: its episode reached the time limit on the step "
                    f"before, so it must be truncated again (got {got[i]}): was it reset?"
                )
            if not ended[i] and got[i].ended:
                cut[i] = got[i].truncated
            ended[i] = ended[i] or got[i].ended
    if not refs and not any(cut):
        pytest.skip(f"every episode of {raw.env_id} terminated before the time limit of {STEPS}")
    reset = raw.Reset(pb.ResetRequest(session_id=made.session_id, reset_mask=ended))
    after = observations(obs_space, reset.observation, n)
    row = draw(made, 50)
    got = transitions(obs_space, raw.step(made.session_id, encode(made, row)), n)
    for i in np.flatnonzero(ended):
        if refs:
            _same(f"env {i} after its masked reset", after[i], refs[i].reset(None))
            _same(f"env {i}, the step after its masked reset", got[i], refs[i].step(row[i]))
        else:
            assert not got[i].truncated, f"env {i}: the masked reset began no fresh episode"
