"""gymbridge: Gymnasium environments over gRPC (the gymbridge.v1 contract).

env = gymbridge.make("CartPole-v1", address="127.0.0.1:50051")     # a gymnasium.Env
envs = gymbridge.make_vec("CartPole-v1", 64, address="127.0.0.1:50051")  # a VectorEnv
server = gymbridge.serve("CartPole-v1", port=50051)               # serve any Gymnasium env
gymbridge.list_envs("127.0.0.1:50051")                            # what a server serves
"""

from gymbridge.client import RemoteEnv, RemoteVectorEnv, ServedEnv, list_envs, make, make_vec
from gymbridge.errors import ConfigError, RemoteError

__version__ = "0.1.0"


def serve(envs, port: int = 50051, host: str = "127.0.0.1", **options):
    """Serves Gymnasium envs through gymbridge.v1 and returns the started server (see
    gymbridge.server.serve for the arguments); ``.stop()`` it, or ``.wait()`` for it."""
    from gymbridge.server import serve as _serve

    return _serve(envs, port=port, host=host, **options)


__all__ = [
    "make",
    "make_vec",
    "serve",
    "list_envs",
    "ServedEnv",
    "RemoteEnv",
    "RemoteVectorEnv",
    "RemoteError",
    "ConfigError",
    "__version__",
]
