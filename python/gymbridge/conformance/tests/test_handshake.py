"""GetServerInfo, ListEnvs and grpc.health.v1: what a client reads before anything else."""

import grpc
import pytest

from gymbridge import codec
from gymbridge.v1 import env_service_pb2 as pb

from .conftest import spaces_of


def test_server_info_names_the_protocol_and_its_revision(raw):
    info = raw.GetServerInfo(pb.GetServerInfoRequest())
    assert info.protocol == "gymbridge.v1"
    assert info.protocol_revision >= 2
    assert info.server_name and info.server_version


def test_server_info_lists_the_capabilities_this_kit_exercises(raw):
    caps = set(raw.GetServerInfo(pb.GetServerInfoRequest()).capabilities)
    for cap in [
        "stream",
        "autoreset:next_step",
        "autoreset:same_step",
        "autoreset:disabled",
        "reset_mask",
    ]:
        assert cap in caps, f"capability {cap} missing from {sorted(caps)}"


def test_health_check_says_serving(channel):
    check = channel.unary_unary(
        "/grpc.health.v1.Health/Check", request_serializer=bytes, response_deserializer=bytes
    )
    assert check(b"", timeout=10) == b"\x08\x01"  # HealthCheckResponse{status: SERVING}


def test_list_envs_is_sorted_and_holds_the_env_under_test(raw):
    envs = raw.ListEnvs(pb.ListEnvsRequest()).envs
    ids = [e.id for e in envs]
    assert ids == sorted(ids)
    assert raw.env_id in ids


def test_listed_spec_has_the_spaces_make_reports(raw):
    listed = {e.id: e for e in raw.ListEnvs(pb.ListEnvsRequest()).envs}[raw.env_id]
    made = raw.make()
    assert codec.to_space(listed.observation_space) == spaces_of(made)[0]
    assert codec.to_space(listed.action_space) == spaces_of(made)[1]
    assert made.spec.id == raw.env_id


def test_every_listed_space_decodes_to_a_gymnasium_space(raw):
    for spec in raw.ListEnvs(pb.ListEnvsRequest()).envs:
        codec.to_space(spec.observation_space)
        codec.to_space(spec.action_space)


def test_box_bounds_are_full_shape_or_a_scalar(raw):
    def walk(space):
        kind = space.WhichOneof("kind")
        if kind == "box":
            for bound in (space.box.low, space.box.high):
                assert list(bound.shape) in ([], list(space.box.shape))
                assert bound.dtype == space.box.dtype
        elif kind == "tuple":
            for s in space.tuple.spaces:
                walk(s)
        elif kind == "dict":
            for e in space.dict.entries:
                walk(e.space)

    made = raw.make()
    walk(made.spec.observation_space)
    walk(made.spec.action_space)
    assert grpc  # the module is used by the other files' helpers


def test_the_spaces_of_a_gymnasium_id_are_gymnasiums(raw, reference):
    """A space declared wider (or narrower) than the env's own shows here, where Gymnasium has
    the env: the declared spaces are the ones Gymnasium's env has."""
    if reference is None:
        pytest.skip(f"no Gymnasium env to compare {raw.env_id}'s spaces with")
    obs, act = spaces_of(raw.make())
    env = reference.make()
    try:
        assert obs == env.observation_space, f"declared {obs}, Gymnasium's {env.observation_space}"
        assert act == env.action_space, f"declared {act}, Gymnasium's {env.action_space}"
    finally:
        env.close()
