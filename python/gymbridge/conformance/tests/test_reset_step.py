"""Reset and Step: batched shapes and dtypes, seeding as Gymnasium seeds, and refusals."""

from typing import NamedTuple

import grpc
import gymnasium as gym
import numpy as np
import pytest
from gymnasium import spaces

from gymbridge import codec
from gymbridge.v1 import env_service_pb2 as pb
from gymbridge.v1 import tensor_pb2, value_pb2

from .conftest import (
    SEED_PROBE,
    actions,
    draw,
    encode,
    obs_of,
    same,
    seeds_matter,
    spaces_of,
    status_of,
)
from .reference import (
    LocalEnv,
    SessionEnv,
    observations,
    plain,
    play,
    play_on,
    reference_envs,
    transitions,
)


def test_reset_observation_is_batched_over_the_envs_and_in_the_space(raw):
    made = raw.make(num_envs=3)
    obs_space, _ = spaces_of(made)
    obs = obs_of(made, raw.reset(made.session_id, seed=0).observation)
    for i in range(3):
        assert obs_space.contains(codec.element(obs_space, obs, i))


def test_observations_travel_in_the_spaces_dtype_and_shape(raw):
    made = raw.make(num_envs=2)
    obs_space, _ = spaces_of(made)
    reset = raw.reset(made.session_id, seed=0).observation
    step = raw.step(made.session_id, actions(made, 0)).observation
    for what, value in [("reset", reset), ("step", step)]:
        try:
            codec.decode_batch(obs_space, value, 2, f"the {what}'s observation")
        except codec.CodecError as e:
            pytest.fail(str(e))


def test_reset_infos_are_one_per_env_or_none(raw):
    made = raw.make(num_envs=3)
    assert len(raw.reset(made.session_id, seed=0).infos) in (0, 3)


def test_step_returns_one_reward_and_two_flags_per_env(raw):
    made = raw.make(num_envs=3)
    raw.reset(made.session_id, seed=0)
    resp = raw.step(made.session_id, actions(made, 0))
    assert len(resp.rewards) == len(resp.terminated) == len(resp.truncated) == 3
    assert len(resp.infos) in (0, 3)
    obs_space, _ = spaces_of(made)
    obs = obs_of(made, resp.observation)
    for i in range(3):
        assert obs_space.contains(codec.element(obs_space, obs, i))


def test_the_same_seed_gives_the_same_observations(raw):
    a, b = raw.make(num_envs=2), raw.make(num_envs=2)
    oa = obs_of(a, raw.reset(a.session_id, seed=123).observation)
    ob = obs_of(b, raw.reset(b.session_id, seed=123).observation)
    assert same(oa, ob)
    for k in range(5):
        act = actions(a, k)
        ra, rb = raw.step(a.session_id, act), raw.step(b.session_id, act)
        assert same(obs_of(a, ra.observation), obs_of(b, rb.observation))
        assert list(ra.rewards) == list(rb.rewards) and list(ra.terminated) == list(rb.terminated)


STEPS = 6  # steps of each seeded episode the seeding checks compare (fewer when it ends)


def _compare(what: str, got, want) -> None:
    """Asserts two lists of observations / transitions agree, naming the first difference."""
    for k, (g, w) in enumerate(zip(got, want, strict=False)):
        assert g == w, (
            f"{what}, at {'the reset' if k == 0 else f'step {k}'}: server {g}, expected {w}"
        )
    assert len(got) == len(want), f"{what}: the server's episode ended at another step"


class Run(NamedTuple):
    actions: list[list]  # per step, one action per env
    episodes: list[list]  # per env: its observation, then its transitions until its episode ends


def _run(raw, made, steps, seed=None, seeds=None, current=None) -> Run:
    """Resets a DISABLED session (with seed, or with a seed list; or, given `current`, takes the
    observations it has now), then steps it with drawn actions. Each env's episode is recorded
    until it ends; the session steps on while any env's episode goes on."""
    obs_space, _ = spaces_of(made)
    n = made.num_envs
    if current is None:
        req = pb.ResetRequest(session_id=made.session_id)
        if seed is not None:
            req.seed = seed
        if seeds is not None:
            req.seeds.CopyFrom(seeds)
        current = observations(obs_space, raw.Reset(req).observation, n)
    episodes = [[o] for o in current]
    done = [False] * n
    acts = []
    for k in range(steps):
        row = draw(made, 100 + k)
        acts.append(row)
        got = transitions(obs_space, raw.step(made.session_id, encode(made, row)), n)
        for i in range(n):
            if not done[i]:
                episodes[i].append(got[i])
                done[i] = got[i].ended
        if all(done):
            break
    return Run(acts, episodes)


def test_seed_s_gives_env_i_the_seed_s_plus_i(raw, reference):
    """Each env of a session seeded s plays the episode of seed s+i: Gymnasium's env seeded s+i
    where the kit has it, else a one-env session seeded s+i, with env i's actions."""
    n = 3
    made = raw.make(num_envs=n, mode=pb.AUTORESET_MODE_DISABLED)
    refs = reference_envs(raw, reference, made, n)
    got = _run(raw, made, seed=40, steps=STEPS)
    for i in range(n):
        want = play(refs[i], 40 + i, [row[i] for row in got.actions])
        _compare(f"env {i} of a session reset with seed=40", got.episodes[i], want)


def test_a_seed_list_with_gaps_seeds_some_envs_and_continues_the_others(raw, reference):
    made = raw.make(num_envs=2, mode=pb.AUTORESET_MODE_DISABLED)
    raw.reset(made.session_id, seed=5)
    got = _run(
        raw,
        made,
        seeds=pb.SeedList(seeds=[pb.OptionalSeed(seed=9), pb.OptionalSeed()]),
        steps=STEPS,
    )
    refs = reference_envs(raw, reference, made, 2)
    refs[1].reset(6)  # env 1 was seeded 5 + 1, then continues its generator
    for i, seed in enumerate([9, None]):
        want = play(refs[i], seed, [row[i] for row in got.actions])
        _compare(f"env {i} after seeds [9, (none)]", got.episodes[i], want)


def test_no_seed_continues_each_envs_generator(raw, reference):
    """After reset(seed=s), resets without a seed go on drawing from the env's generator: neither
    reseeded from a constant nor from s again."""
    probe = raw.make()
    acts = draw(probe, 3, STEPS)

    def episodes(env, seed):
        return [play(env, seed, acts)] + [play(env, None, acts) for _ in range(3)]

    got = episodes(SessionEnv(raw), 77)
    if reference is not None:
        want = episodes(LocalEnv(reference, spaces_of(probe)[0]), 77)
        for k in range(1, 4):
            _compare(f"unseeded reset {k} after seed=77", got[k], want[k])
        return
    if not seeds_matter(raw):
        pytest.skip(
            f"{raw.env_id}'s episodes do not depend on their seed (seeds {SEED_PROBE} played "
            "alike): an unseeded reset cannot be told from a reseeded one"
        )
    other = episodes(SessionEnv(raw), 78)
    assert got[1:] != other[1:], (
        "unseeded resets after seed=77 and after seed=78 played the same episodes: the server "
        "reseeds unseeded resets from a constant"
    )
    assert any(e != got[0] for e in got[1:]), (
        "every unseeded reset after seed=77 replayed the seed-77 episode: the server reseeds "
        "them with the last seed"
    )


def test_a_reset_mask_resets_only_the_flagged_envs(raw, reference):
    """reset(seed=s, reset_mask=[False, True]) resets env 1 with seed s+1 and leaves env 0's
    episode running where it was."""
    made = raw.make(num_envs=2, mode=pb.AUTORESET_MODE_DISABLED)
    obs_space, _ = spaces_of(made)
    raw.reset(made.session_id, seed=1)
    first = draw(made, 11)
    before = transitions(obs_space, raw.step(made.session_id, encode(made, first)), 2)
    masked = raw.Reset(
        pb.ResetRequest(session_id=made.session_id, seed=50, reset_mask=[False, True])
    )
    after = observations(obs_space, masked.observation, 2)
    assert after[0] == before[0].obs, (
        f"the unflagged env 0 changed under reset_mask=[False, True]: {before[0].obs} -> {after[0]}"
    )
    got = _run(raw, made, steps=STEPS, current=after)
    refs = reference_envs(raw, reference, made, 2)
    refs[0].reset(1)
    refs[0].step(first[0])
    want0 = [before[0].obs] + play_on(refs[0], [row[0] for row in got.actions])
    _compare("the unflagged env 0, going on after the masked reset", got.episodes[0], want0)
    want1 = play(refs[1], 51, [row[1] for row in got.actions])
    _compare("env 1, flagged, after reset(seed=50): seed 51", got.episodes[1], want1)


def test_step_before_reset_is_failed_precondition(raw):
    made = raw.make()
    err = status_of(raw.step, made.session_id, actions(made, 0))
    assert err.code() == grpc.StatusCode.FAILED_PRECONDITION, err.details()


def test_negative_seed_is_invalid_argument(raw):
    made = raw.make()
    err = status_of(raw.reset, made.session_id, -1)
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT and "seed" in err.details()


def test_a_seed_list_of_the_wrong_length_is_invalid_argument(raw):
    made = raw.make(num_envs=2)
    err = status_of(
        raw.Reset,
        pb.ResetRequest(
            session_id=made.session_id, seeds=pb.SeedList(seeds=[pb.OptionalSeed(seed=1)])
        ),
    )
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT and "seeds" in err.details()


def test_a_reset_mask_of_the_wrong_length_is_invalid_argument(raw):
    made = raw.make(num_envs=2)
    err = status_of(raw.Reset, pb.ResetRequest(session_id=made.session_id, reset_mask=[True]))
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT and "reset_mask" in err.details()


def _classic(env_id: str) -> bool:
    """Whether env_id is one of Gymnasium's own classic-control or toy-text envs, whose reset
    options the kit knows: none of them takes an option named "no_such_option"."""
    entry = gym.spec(env_id).entry_point
    return isinstance(entry, str) and entry.startswith(
        ("gymnasium.envs.classic_control", "gymnasium.envs.toy_text")
    )


def test_an_unknown_reset_option_is_invalid_argument(raw, reference):
    if reference is None or not _classic(raw.env_id):
        pytest.skip(
            "the kit knows the reset options of Gymnasium's classic-control and toy-text envs "
            f"only; other envs, {raw.env_id} among them, may take options of any name"
        )
    made = raw.make()
    req = pb.ResetRequest(session_id=made.session_id, seed=0)
    req.options["no_such_option"].float_value = 1.0
    err = status_of(raw.Reset, req)
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT and "no_such_option" in err.details()


def _wrong_dtype(value: value_pb2.Value) -> value_pb2.Value:
    t = value.tensor
    other = (
        tensor_pb2.DTYPE_FLOAT64
        if t.dtype != tensor_pb2.DTYPE_FLOAT64
        else tensor_pb2.DTYPE_FLOAT32
    )
    arr = codec.to_numpy(t).astype(codec.dtype_of(other))
    return value_pb2.Value(tensor=codec.to_tensor(arr))


def test_an_action_of_the_wrong_dtype_is_invalid_argument(raw):
    made = raw.make()
    act = actions(made, 0)
    if act.WhichOneof("kind") != "tensor":
        pytest.skip("the action space is not a tensor space (Discrete, Box, MultiDiscrete, ...)")
    raw.reset(made.session_id, seed=0)
    err = status_of(raw.step, made.session_id, _wrong_dtype(act))
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT and "action" in err.details()


def test_an_action_for_the_wrong_number_of_envs_is_invalid_argument(raw):
    made = raw.make(num_envs=2)
    one = raw.make()
    raw.reset(made.session_id, seed=0)
    err = status_of(raw.step, made.session_id, actions(one, 0))
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT and "action" in err.details()


def _outside(space) -> np.ndarray | None:
    """One action just outside the space, of its dtype and shape; None when the kit has none
    (a Box unbounded above, a Tuple, ...)."""
    if isinstance(space, spaces.Discrete):
        return np.array(space.start + space.n, dtype=space.dtype)
    if isinstance(space, spaces.MultiDiscrete):
        return (space.start + space.nvec).astype(space.dtype)
    if isinstance(space, spaces.Box) and np.all(np.isfinite(space.high)):
        if np.issubdtype(space.dtype, np.floating):
            return (space.high + np.maximum(1, np.abs(space.high))).astype(space.dtype)
        if np.all(space.high < np.iinfo(space.dtype).max):
            return (space.high + 1).astype(space.dtype)
    return None


def test_an_action_outside_the_action_space_is_invalid_argument(raw):
    made = raw.make()
    _, act = spaces_of(made)
    bad = _outside(act)
    if bad is None:
        pytest.skip(f"the kit has no action outside {act} to send")
    raw.reset(made.session_id, seed=0)
    err = status_of(raw.step, made.session_id, value_pb2.Value(tensor=codec.to_tensor(bad[None])))
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT and "action" in err.details()


def _every_action(space) -> list | None:
    """Actions at every edge of the space (each Discrete value, up to 64 of them; a Box's finite
    bounds), or None for spaces the kit does not walk."""
    if isinstance(space, spaces.Discrete):
        values = list(range(space.start, space.start + space.n))
        values = values if len(values) <= 64 else values[:32] + values[-32:]
        return [np.array(v, dtype=space.dtype) for v in values]
    if isinstance(space, spaces.MultiDiscrete):
        return [space.start.astype(space.dtype), (space.start + space.nvec - 1).astype(space.dtype)]
    if isinstance(space, spaces.MultiBinary):
        return [np.zeros(space.shape, space.dtype), np.ones(space.shape, space.dtype)]
    if isinstance(space, spaces.Box):
        mid = np.clip(np.zeros(space.shape), space.low, space.high)
        low = np.where(np.isfinite(space.low), space.low, mid).astype(space.dtype)
        high = np.where(np.isfinite(space.high), space.high, mid).astype(space.dtype)
        return [low, high]
    return None


def test_every_action_of_the_declared_action_space_is_taken(raw):
    """A space declared wider than the env takes shows here: each Discrete action, or each bound
    of a Box, is stepped in an env of its own, and no step may fail."""
    probe = raw.make()
    obs_space, act = spaces_of(probe)
    values = _every_action(act)
    if values is None:
        pytest.skip(f"the kit does not walk the actions of {act}")
    limit = raw.GetServerInfo(pb.GetServerInfoRequest()).limits.max_envs_per_session or 64
    for at in range(0, len(values), min(limit, 64)):
        chunk = values[at : at + min(limit, 64)]
        made = raw.make(num_envs=len(chunk), mode=pb.AUTORESET_MODE_DISABLED)
        raw.reset(made.session_id, seed=0)
        try:
            resp = raw.step(made.session_id, encode(made, chunk))
        except grpc.RpcError as e:
            pytest.fail(
                f"stepping actions {[plain(v) for v in chunk]} of the declared {act} failed: "
                f"{e.code().name}: {e.details()}"
            )
        obs = obs_of(made, resp.observation)
        for i in range(len(chunk)):
            assert obs_space.contains(codec.element(obs_space, obs, i))
        raw.Close(pb.CloseRequest(session_id=made.session_id))


def test_a_refused_step_leaves_the_session_usable(raw, reference):
    """A step refused for one env's action steps no env: the session then plays on as if it
    had never been sent."""
    made = raw.make(num_envs=2, mode=pb.AUTORESET_MODE_DISABLED)
    obs_space, act = spaces_of(made)
    current = observations(obs_space, raw.reset(made.session_id, seed=3).observation, 2)
    bad = _outside(act)
    if bad is None:
        refused = value_pb2.Value(string_value="nonsense")
    else:  # env 0's action is good, env 1's is not
        good = np.asarray(draw(made, 0)[0], dtype=bad.dtype)
        refused = value_pb2.Value(tensor=codec.to_tensor(np.stack([good, bad])))
    err = status_of(raw.step, made.session_id, refused)
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT, err.details()
    got = _run(raw, made, steps=STEPS, current=current)
    refs = reference_envs(raw, reference, made, 2)
    for i in range(2):
        want = play(refs[i], 3 + i, [row[i] for row in got.actions])
        _compare(f"env {i} after a refused step", got.episodes[i], want)
