"""The host side of bin/container-tests: a user's client outside the container (the gymbridge
package) resets and steps CartPole on the env-server behind a published port, plays one Atari step
(the ROMs ale-py installed at image build time), and checks grpc.health.v1.

    .venv/bin/python container/ci/host_client.py 127.0.0.1:PORT
"""

import sys

import grpc
import numpy as np

import gymbridge

DEADLINE_S = 10.0


def health(address: str) -> int:
    """grpc.health.v1.Health/Check for "" (1 = SERVING). grpcio-health-checking is not on this
    machine's pip index, so the two tiny messages are coded by hand: the request is empty, and the
    response is field 1 (tag 0x08) holding the status as a one-byte varint."""
    with grpc.insecure_channel(address) as channel:
        check = channel.unary_unary(
            "/grpc.health.v1.Health/Check", request_serializer=bytes, response_deserializer=bytes
        )
        raw = check(b"", timeout=DEADLINE_S)
    return raw[1] if raw[:1] == b"\x08" else 0


def main(address: str) -> None:
    assert health(address) == 1, "health: expected SERVING"

    envs = gymbridge.make_vec("CartPole-v1", 2, address=address)
    obs, _ = envs.reset(seed=42)
    assert obs.shape == (2, 4) and obs.dtype == np.float32, (obs.shape, obs.dtype)
    assert np.all(np.abs(obs) < 0.05), obs
    total = 0.0
    for t in range(20):
        obs, rewards, _, _, _ = envs.step(np.array([t % 2, (t + 1) % 2]))
        total += float(rewards.sum())
        assert obs.shape == (2, 4)
    assert total == 40.0, f"CartPole: expected reward 1 per env and step, got {total}"
    envs.close()

    env = gymbridge.make("ALE/Breakout-v5", address=address)
    frame, info = env.reset(seed=0)
    assert frame.shape == (210, 160, 3) and frame.dtype == np.uint8, (frame.shape, frame.dtype)
    assert info["lives"] == 5, info
    env.step(1)
    env.close()
    print(
        f"host client: {address} SERVING; CartPole 2 envs x 20 steps (reward {total:.0f}); "
        f"ALE/Breakout-v5 reset + step, frame {frame.shape}"
    )


if __name__ == "__main__":
    main(sys.argv[1])
