"""A gymbridge.v1 server for any Gymnasium env: ``gymbridge.serve("CartPole-v1", port=50051)``.

Sessions are vector envs stepped in order on one of the server's call threads, with Gymnasium
1.x SyncVectorEnv semantics and the three autoreset modes (gymbridge/server/session.py); the
contract is the one proto/ specifies and the Java env-server implements, and the conformance kit
(python -m gymbridge.conformance) checks both the same way.
"""

from gymbridge.server.registry import EnvRegistry
from gymbridge.server.server import GymbridgeServer, serve

__all__ = ["EnvRegistry", "GymbridgeServer", "serve"]
