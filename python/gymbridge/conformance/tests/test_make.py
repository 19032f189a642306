"""Make: defaults, the session's spec, and refusals with the contract's statuses."""

import grpc
import pytest

from gymbridge.v1 import env_service_pb2 as pb

from .conftest import status_of


def test_num_envs_zero_means_one(raw):
    assert raw.make(num_envs=0).num_envs == 1


def test_unspecified_autoreset_mode_is_reported_as_next_step(raw):
    assert raw.make().autoreset_mode == pb.AUTORESET_MODE_NEXT_STEP


@pytest.mark.parametrize(
    "mode", [pb.AUTORESET_MODE_NEXT_STEP, pb.AUTORESET_MODE_SAME_STEP, pb.AUTORESET_MODE_DISABLED]
)
def test_the_chosen_autoreset_mode_is_the_one_in_force(raw, mode):
    assert raw.make(num_envs=2, mode=mode).autoreset_mode == mode


def test_session_ids_are_distinct(raw):
    assert raw.make().session_id != raw.make().session_id


def test_max_episode_steps_override_is_in_the_spec(raw):
    assert raw.make(max_episode_steps=7).spec.max_episode_steps == 7


def test_unknown_env_id_is_not_found_and_lists_known_ids(raw):
    err = status_of(raw.Make, pb.MakeRequest(env_id="NoSuchEnv-v9"))
    assert err.code() == grpc.StatusCode.NOT_FOUND, err.details()
    assert raw.env_id in err.details()


def test_unknown_kwarg_is_invalid_argument(raw):
    req = pb.MakeRequest(env_id=raw.env_id)
    req.kwargs["no_such_kwarg_xyz"].int_value = 1
    err = status_of(raw.Make, req)
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT, err.details()
    assert "no_such_kwarg_xyz" in err.details()


def test_non_positive_max_episode_steps_is_invalid_argument(raw):
    err = status_of(raw.Make, pb.MakeRequest(env_id=raw.env_id, max_episode_steps=0))
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT, err.details()
    assert "max_episode_steps" in err.details()


def test_unknown_render_mode_is_invalid_argument(raw):
    err = status_of(raw.Make, pb.MakeRequest(env_id=raw.env_id, render_mode="no_such_mode"))
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT, err.details()
    assert "render_mode" in err.details()


def test_num_envs_over_the_limit_is_resource_exhausted(raw):
    limit = raw.GetServerInfo(pb.GetServerInfoRequest()).limits.max_envs_per_session
    if limit == 0 or limit >= 2**32 - 1:
        pytest.skip("the server declares no envs-per-session limit")
    err = status_of(raw.Make, pb.MakeRequest(env_id=raw.env_id, num_envs=limit + 1))
    assert err.code() == grpc.StatusCode.RESOURCE_EXHAUSTED, err.details()
    assert str(limit) in err.details()


def test_render_without_rgb_array_mode_is_failed_precondition(raw):
    made = raw.make()
    raw.reset(made.session_id, seed=0)
    err = status_of(raw.Render, pb.RenderRequest(session_id=made.session_id))
    assert err.code() == grpc.StatusCode.FAILED_PRECONDITION, err.details()
