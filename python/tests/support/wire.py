"""gymbridge.v1 on the wire, for the tests: the package's codec (gymbridge.codec) under the names
the parity tests use, and a small raw-stub client whose every call carries a deadline (the tests
that check the server itself talk to it without the gymnasium.Env wrapper in between)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import grpc
import numpy as np

from gymbridge.codec import _ENUMS, to_numpy, to_space, to_tensor, to_value  # noqa: F401
from gymbridge.v1 import env_service_pb2 as pb
from gymbridge.v1 import env_service_pb2_grpc as pb_grpc
from gymbridge.v1 import value_pb2

DEADLINE_S = 10.0


def observation(value: value_pb2.Value) -> np.ndarray:
    """A batched Box observation Value as numpy."""
    if value.WhichOneof("kind") != "tensor":
        raise AssertionError(f"expected a tensor observation, got {value.WhichOneof('kind')}")
    return to_numpy(value.tensor)


class Client:
    """Thin EnvService wrappers; every call has a deadline of DEADLINE_S seconds."""

    def __init__(self, channel: grpc.Channel, deadline_s: float = DEADLINE_S):
        self.stub = pb_grpc.EnvServiceStub(channel)
        self.deadline_s = deadline_s

    def list_envs(self) -> pb.ListEnvsResponse:
        return self.stub.ListEnvs(pb.ListEnvsRequest(), timeout=self.deadline_s)

    def make(
        self,
        env_id: str,
        num_envs: int = 1,
        autoreset_mode=pb.AUTORESET_MODE_DISABLED,
        kwargs: Mapping | None = None,
        max_episode_steps: int | None = None,
    ) -> pb.MakeResponse:
        req = pb.MakeRequest(env_id=env_id, num_envs=num_envs, autoreset_mode=autoreset_mode)
        for k, v in (kwargs or {}).items():
            req.kwargs[k].CopyFrom(to_value(v))
        if max_episode_steps is not None:
            req.max_episode_steps = max_episode_steps
        return self.stub.Make(req, timeout=self.deadline_s)

    def reset(self, session_id: str, seed=None, options: Mapping | None = None) -> pb.ResetResponse:
        """seed: None (continue every RNG), an int (env i gets seed + i) or a list of int/None."""
        req = pb.ResetRequest(session_id=session_id)
        if isinstance(seed, Sequence):
            req.seeds.SetInParent()
            for s in seed:
                entry = req.seeds.seeds.add()
                if s is not None:
                    entry.seed = s
        elif seed is not None:
            req.seed = seed
        for k, v in (options or {}).items():
            req.options[k].CopyFrom(to_value(v))
        return self.stub.Reset(req, timeout=self.deadline_s)

    def step(self, session_id: str, actions, dtype=np.int64) -> pb.StepResponse:
        """actions: one per env, sent as a [num_envs] tensor of `dtype` (Discrete: int64)."""
        req = pb.StepRequest(session_id=session_id)
        req.action.tensor.CopyFrom(to_tensor(np.asarray(actions).reshape(-1), dtype=dtype))
        return self.stub.Step(req, timeout=self.deadline_s)

    def close(self, session_id: str) -> None:
        self.stub.Close(pb.CloseRequest(session_id=session_id), timeout=self.deadline_s)
