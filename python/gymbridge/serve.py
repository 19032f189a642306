"""python -m gymbridge.serve --env CartPole-v1 [--env ...] [--port 50051]: serves Gymnasium envs.

Security flags as the Java env-server's, each falling back to its environment variable:
--token / --token-file (GYMBRIDGE_TOKEN / GYMBRIDGE_TOKEN_FILE), --tls-cert + --tls-key
(GYMBRIDGE_TLS_CERT / GYMBRIDGE_TLS_KEY), --tls-client-ca (GYMBRIDGE_TLS_CLIENT_CA, mutual TLS).

Also importable: this module is callable as gymbridge.serve(envs, port) is, so `import
gymbridge.serve` does not shadow the function.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import signal
import sys
import types

from gymbridge.errors import ConfigError
from gymbridge.security import (
    ENV_TLS_CERT,
    ENV_TLS_CLIENT_CA,
    ENV_TLS_KEY,
    ENV_TOKEN,
    ENV_TOKEN_FILE,
    ServerSecurity,
)
from gymbridge.server import defaults
from gymbridge.server import serve as _serve


def main(argv=None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m gymbridge.serve", description=__doc__.split("\n")[0]
    )
    p.add_argument(
        "--env",
        action="append",
        required=True,
        metavar="ID",
        help="a Gymnasium env id to serve (repeat for several)",
    )
    p.add_argument(
        "--port",
        type=int,
        default=defaults.PORT,
        help=f"port, 0 for any free one (default {defaults.PORT})",
    )
    p.add_argument(
        "--host",
        default=defaults.HOST,
        help=f"address to bind (default {defaults.HOST}, loopback)",
    )
    p.add_argument(
        "--import",
        dest="imports",
        action="append",
        default=[],
        metavar="MODULE",
        help="import a module first, e.g. one that registers envs (ale_py)",
    )
    p.add_argument(
        "--max-workers",
        type=int,
        default=defaults.MAX_WORKERS,
        help=f"threads for env work; open calls hold none (default {defaults.MAX_WORKERS})",
    )
    p.add_argument(
        "--max-sessions",
        type=int,
        default=defaults.MAX_SESSIONS,
        help=f"open sessions (default {defaults.MAX_SESSIONS})",
    )
    p.add_argument(
        "--max-envs-per-session",
        type=int,
        default=defaults.MAX_ENVS_PER_SESSION,
        help=f"largest num_envs of one Make (default {defaults.MAX_ENVS_PER_SESSION})",
    )
    p.add_argument(
        "--max-message-bytes",
        type=int,
        default=defaults.MAX_MESSAGE_BYTES,
        help=f"largest request or response (default {defaults.MAX_MESSAGE_BYTES} = "
        f"{defaults.MAX_MESSAGE_BYTES >> 20} MiB)",
    )
    p.add_argument(
        "--idle-timeout-seconds",
        "--idle-timeout-s",
        dest="idle_timeout_s",
        metavar="SECONDS",
        type=float,
        default=defaults.IDLE_TIMEOUT_S,
        help=f"close sessions untouched this long (default {defaults.IDLE_TIMEOUT_S} s)",
    )
    p.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    g = p.add_argument_group("security (each flag falls back to its environment variable)")
    g.add_argument(
        "--token",
        help="require 'authorization: Bearer TOKEN' on every call but health "
        f"checks (${ENV_TOKEN}); visible in the process list, so prefer "
        "--token-file",
    )
    g.add_argument(
        "--token-file", metavar="PATH", help=f"file holding the token (${ENV_TOKEN_FILE})"
    )
    g.add_argument(
        "--tls-cert", metavar="PATH", help=f"PEM certificate chain: serve TLS (${ENV_TLS_CERT})"
    )
    g.add_argument(
        "--tls-key", metavar="PATH", help=f"PEM private key of --tls-cert (${ENV_TLS_KEY})"
    )
    g.add_argument(
        "--tls-client-ca",
        metavar="PATH",
        help=f"mutual TLS: require client certificates signed by this CA (${ENV_TLS_CLIENT_CA})",
    )
    a = p.parse_args(argv)
    logging.basicConfig(
        level=a.log_level.upper(),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for m in a.imports:
        importlib.import_module(m)
    try:
        security = ServerSecurity.resolve(
            token=a.token,
            token_file=a.token_file,
            tls_cert=a.tls_cert,
            tls_key=a.tls_key,
            tls_client_ca=a.tls_client_ca,
            environ=os.environ,
        )
        server = _serve(
            a.env,
            port=a.port,
            host=a.host,
            max_workers=a.max_workers,
            max_sessions=a.max_sessions,
            max_envs_per_session=a.max_envs_per_session,
            max_message_bytes=a.max_message_bytes,
            idle_timeout_s=a.idle_timeout_s,
            security=security,
        )
    except (ConfigError, ValueError, OSError) as e:
        print(f"gymbridge.serve: {e}", file=sys.stderr)
        return 2
    print(
        f"gymbridge.serve: serving {', '.join(a.env)} on {server.address} ({security.describe()})",
        flush=True,
    )

    def stop(signum, frame):
        server.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server.wait()
    return 0


class _CallableModule(types.ModuleType):
    """Lets `import gymbridge.serve` (which rebinds the package attribute to this module) keep
    gymbridge.serve(envs, port) working."""

    def __call__(self, envs, port: int = defaults.PORT, host: str = defaults.HOST, **options):
        return _serve(envs, port=port, host=host, **options)


if __name__ == "__main__":
    sys.exit(main())
else:
    sys.modules[__name__].__class__ = _CallableModule
