"""Reset and Step: batched shapes and dtypes, seeding as Gymnasium seeds, and refusals."""

import grpc
import numpy as np
import pytest

from gymbridge import codec
from gymbridge.v1 import env_service_pb2 as pb
from gymbridge.v1 import tensor_pb2, value_pb2

from .conftest import actions, obs_of, same, spaces_of, status_of


def test_reset_observation_is_batched_over_the_envs_and_in_the_space(raw):
    made = raw.make(num_envs=3)
    obs_space, _ = spaces_of(made)
    obs = obs_of(made, raw.reset(made.session_id, seed=0).observation)
    for i in range(3):
        assert obs_space.contains(codec.element(obs_space, obs, i))


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


def test_seed_s_gives_env_i_the_seed_s_plus_i(raw):
    vec, single = raw.make(num_envs=2), raw.make()
    ov = obs_of(vec, raw.reset(vec.session_id, seed=40).observation)
    os_ = obs_of(single, raw.reset(single.session_id, seed=41).observation)
    obs_space, _ = spaces_of(vec)
    assert same(codec.batch_of(obs_space, [codec.element(obs_space, ov, 1)]), os_)


def test_a_seed_list_with_gaps_seeds_some_envs_and_continues_the_others(raw):
    a, b = raw.make(num_envs=2), raw.make(num_envs=2)
    raw.reset(a.session_id, seed=5)
    raw.reset(b.session_id, seed=5)
    req = lambda sid: pb.ResetRequest(  # noqa: E731
        session_id=sid, seeds=pb.SeedList(seeds=[pb.OptionalSeed(seed=9), pb.OptionalSeed()])
    )
    oa = obs_of(a, raw.Reset(req(a.session_id)).observation)
    ob = obs_of(b, raw.Reset(req(b.session_id)).observation)
    assert same(oa, ob)


def test_no_seed_continues_each_envs_generator(raw):
    a, b = raw.make(), raw.make()
    raw.reset(a.session_id, seed=77)
    raw.reset(b.session_id, seed=77)
    assert same(
        obs_of(a, raw.reset(a.session_id).observation),
        obs_of(b, raw.reset(b.session_id).observation),
    )


def test_a_reset_mask_resets_only_the_flagged_envs(raw):
    made = raw.make(num_envs=2, mode=pb.AUTORESET_MODE_DISABLED)
    before = obs_of(made, raw.reset(made.session_id, seed=1).observation)
    after = obs_of(
        made,
        raw.Reset(
            pb.ResetRequest(session_id=made.session_id, seed=50, reset_mask=[True, False])
        ).observation,
    )
    obs_space, _ = spaces_of(made)
    assert same(
        codec.batch_of(obs_space, [codec.element(obs_space, after, 1)]),
        codec.batch_of(obs_space, [codec.element(obs_space, before, 1)]),
    )


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


def test_an_unknown_reset_option_of_cartpole_is_invalid_argument(raw):
    if raw.env_id != "CartPole-v1":
        pytest.skip("only CartPole-v1's option keys are known to the kit")
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
        pytest.skip("the action space is not a tensor space")
    raw.reset(made.session_id, seed=0)
    err = status_of(raw.step, made.session_id, _wrong_dtype(act))
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT and "action" in err.details()


def test_an_action_for_the_wrong_number_of_envs_is_invalid_argument(raw):
    made = raw.make(num_envs=2)
    one = raw.make()
    raw.reset(made.session_id, seed=0)
    err = status_of(raw.step, made.session_id, actions(one, 0))
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT and "action" in err.details()


def test_an_action_outside_a_discrete_space_is_invalid_argument(raw):
    made = raw.make()
    _, act = spaces_of(made)
    if not hasattr(act, "n") or act.__class__.__name__ != "Discrete":
        pytest.skip("the action space is not Discrete")
    raw.reset(made.session_id, seed=0)
    bad = value_pb2.Value(tensor=codec.to_tensor(np.array([act.start + act.n], dtype=np.int64)))
    err = status_of(raw.step, made.session_id, bad)
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT and "action" in err.details()


def test_a_refused_step_leaves_the_session_usable(raw):
    made = raw.make()
    raw.reset(made.session_id, seed=0)
    status_of(raw.step, made.session_id, value_pb2.Value(string_value="nonsense"))
    assert len(raw.step(made.session_id, actions(made, 0)).rewards) == 1
