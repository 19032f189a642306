"""The host side of bin/container-tests: a client outside the container resets and steps CartPole
on the env-server behind a published port, plays one Atari step (the ROMs ale-py installed at image
build time), and checks grpc.health.v1. Uses the parity tests' stubs and client (python/tests).

    .venv/bin/python container/ci/host_client.py 127.0.0.1:PORT
"""

import sys
from pathlib import Path

import grpc
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "python"))
import gen_protos  # noqa: E402

sys.path.insert(0, str(gen_protos.generate()))
sys.path.insert(0, str(ROOT / "python" / "tests"))
from support import wire  # noqa: E402
from gymbridge.v1 import env_service_pb2 as pb  # noqa: E402


def health(channel: grpc.Channel) -> int:
    """grpc.health.v1.Health/Check for "" (1 = SERVING), the messages coded by hand as in conftest."""
    check = channel.unary_unary(
        "/grpc.health.v1.Health/Check", request_serializer=bytes, response_deserializer=bytes
    )
    raw = check(b"", timeout=wire.DEADLINE_S)
    return raw[1] if raw[:1] == b"\x08" else 0


def main(address: str) -> None:
    channel = grpc.insecure_channel(address)
    assert health(channel) == 1, "health: expected SERVING"
    client = wire.Client(channel)

    s = client.make("CartPole-v1", num_envs=2, autoreset_mode=pb.AUTORESET_MODE_NEXT_STEP)
    obs = wire.observation(client.reset(s.session_id, seed=42).observation)
    assert obs.shape == (2, 4) and obs.dtype == np.float32, (obs.shape, obs.dtype)
    assert np.all(np.abs(obs) < 0.05), obs
    total = 0.0
    for t in range(20):
        r = client.step(s.session_id, [t % 2, (t + 1) % 2])
        total += sum(r.rewards)
        assert wire.observation(r.observation).shape == (2, 4)
    assert total == 40.0, f"CartPole: expected reward 1 per env and step, got {total}"
    client.close(s.session_id)

    a = client.make("ALE/Breakout-v5")
    frame = wire.observation(client.reset(a.session_id, seed=0).observation)
    assert frame.shape == (1, 210, 160, 3) and frame.dtype == np.uint8, (frame.shape, frame.dtype)
    client.step(a.session_id, [1])
    client.close(a.session_id)
    print(f"host client: {address} SERVING; CartPole 2 envs x 20 steps (reward {total:.0f}); "
          f"ALE/Breakout-v5 reset + step, frame {frame.shape}")


if __name__ == "__main__":
    main(sys.argv[1])
