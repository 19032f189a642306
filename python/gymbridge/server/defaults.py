"""The Python server's defaults, written once: ``python -m gymbridge.serve``'s options, serve(),
GymbridgeServer, Limits and the session reaper all read them from here.

They are the Java env-server's (the DEFAULT_* constants of io.gymbridge.server.ServerConfig, shown
by ``bin/env-server --help``): a client tuned for one server works against the other.
tests/test_server_defaults.py compares them with the Java server's --help, and the Java test
ServerDefaultsParityTest reads this file, so a default changed on one side only fails both.

Keep every value a literal or a product of literals (``64 * 1024 * 1024``): the Java test parses
this file rather than running Python. KWARG_BOUNDS, a table, is annotated so that the Java test's
``NAME = value`` reader passes over it; tests/test_kwarg_bounds_parity.py keeps it in step with the
Java server by asking both real servers to make envs just inside and just outside each bound.

Differences that are intended, so not here:

- Thread model. The Java server runs cheap calls on gRPC's event loops and slow ones on a pool of
  one thread per core; this server's calls are coroutines on one grpc.aio event loop and env work
  runs on a pool of MAX_WORKERS threads (Python's GIL makes more threads no faster), which an
  open call holds only while its env works.
- Per-client share and env-memory budget (Java's --max-client-share, --max-env-memory-mb): the Java
  server estimates what its envs hold from their declared sizes; a Python env declares nothing, so
  this server bounds sessions (MAX_SESSIONS) and envs per session only.
- Kwarg and option limits (gymbridge/server/guard.py): the Python server checks arbitrary Values
  generically, as any Gymnasium constructor may take them; Java envs declare each kwarg and its type
  (io.gymbridge.envs.Args refuses the rest), and protobuf's parser bounds nesting there.
- Bounds on what one call may hold (open calls per client and per connection, the health request
  size, request timeouts): gymbridge/server/admission.py, as this server's event loop applies them.
- --worker-nice and --health-port: Java only (Linux thread priorities of a JVM; a plaintext health
  port for probes of a TLS server).
"""

from __future__ import annotations

HOST = "127.0.0.1"  # loopback, so an unauthenticated server is not exposed by default
PORT = 50051  # 0 picks a free port (tests)
MAX_SESSIONS = 256  # open at once, all clients together
MAX_ENVS_PER_SESSION = 1024  # the largest num_envs of one Make
MAX_MESSAGE_BYTES = 64 * 1024 * 1024  # requests and responses; gRPC's own default is 4 MiB
IDLE_TIMEOUT_S = 300  # a session untouched this long is closed
KEEPALIVE_S = 30  # the server pings idle connections this often, to find dead peers
KEEPALIVE_TIMEOUT_S = 10  # a ping unanswered this long: the connection is dead
PERMIT_KEEPALIVE_S = 5  # clients may ping this often, with or without calls
SHUTDOWN_GRACE_S = 5  # stop() lets running calls finish this long, then cancels them

# The bytes a response may need beyond its bulk data (observations, frames): field tags, lengths,
# shapes, infos. A Make whose step responses, or a Render whose frames, would not fit in the max
# message size less this margin is refused RESOURCE_EXHAUSTED.
RESPONSE_MARGIN_BYTES = 4096

REFUSAL_LOG_INTERVAL_S = 10  # at most one log line per kind of refusal this often

MAX_WORKERS = 16  # Python only: see the module doc

# The numeric kwargs of Atari envs and their preprocessing: kwarg -> (lowest, highest), both
# allowed. The Java env-server enforces the same (io.gymbridge.atari.AtariSettings,
# preprocessing.AtariPreprocessing.Options, preprocessing.AtariPipeline); ale-py and Gymnasium
# bound none of them, and one Step of frameskip=1e9 would emulate for hours. The Python server
# applies them by name to the kwargs of every env it serves (gymbridge/server/kwarg_bounds.py).
KWARG_BOUNDS: dict[str, tuple[float, float]] = {
    # Emulator frames per step (AtariSettings.MAX_FRAMESKIP: 1,000 frames take about 0.1 s); as a
    # stochastic (low, high) pair, high exclusive: 1 <= low < high <= 1001.
    "frameskip": (1, 1000),
    "repeat_action_probability": (0, 1),  # a probability
    "max_num_frames_per_episode": (1, 2**31 - 1),  # or None: no limit
    "noop_max": (0, 10_000),  # AtariPreprocessing.Options.MAX_NOOP_MAX (about a second)
    "frame_skip": (1, 1000),  # AtariPreprocessing.Options.MAX_FRAME_SKIP
    "frame_stack": (0, 128),  # AtariPipeline.MAX_FRAME_STACK; 0: no stacking
}
