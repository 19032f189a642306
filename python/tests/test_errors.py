"""Bad requests get the status codes env_service.proto promises, seen from a Python client."""

from __future__ import annotations

import grpc
import numpy as np
import pytest


@pytest.fixture
def cartpole(client):
    sid = client.make("CartPole-v1").session_id
    yield sid
    client.close(sid)


def rpc_error(call, *args, **kwargs) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        call(*args, **kwargs)
    return caught.value


def test_unknown_env_id_is_not_found(client):
    err = rpc_error(client.make, "NoSuchEnv-v9")
    assert err.code() == grpc.StatusCode.NOT_FOUND, err.details()
    assert "CartPole-v1" in err.details()  # the message lists the known ids


def test_step_before_reset_is_failed_precondition(client, cartpole):
    err = rpc_error(client.step, cartpole, [0])
    assert err.code() == grpc.StatusCode.FAILED_PRECONDITION, err.details()


@pytest.mark.parametrize("dtype", [np.int32, np.float32], ids=["int32", "float32"])
def test_action_of_the_wrong_dtype_is_invalid_argument(client, cartpole, dtype):
    client.reset(cartpole, seed=0)
    err = rpc_error(client.step, cartpole, [1], dtype=dtype)
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT, err.details()
    assert "action" in err.details()


def test_negative_seed_is_invalid_argument(client, cartpole):
    err = rpc_error(client.reset, cartpole, seed=-1)
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT, err.details()
    assert "seed" in err.details()


def test_session_still_works_after_refused_requests(client, cartpole):
    client.reset(cartpole, seed=0)
    rpc_error(client.step, cartpole, [1], dtype=np.int32)
    resp = client.step(cartpole, [1])
    assert list(resp.rewards) == [1.0] and list(resp.terminated) == [False]
