"""The client's connection to a gymbridge server: a channel with the bearer token and TLS, every
call under a deadline, and gRPC errors turned into gymbridge.RemoteError. Used by make(),
make_vec() and list_envs()."""

from __future__ import annotations

import contextlib

import grpc

from gymbridge.errors import ConfigError, RemoteError
from gymbridge.security import ClientSecurity
from gymbridge.v1 import env_service_pb2 as pb
from gymbridge.v1 import env_service_pb2_grpc as pb_grpc

DEFAULT_ADDRESS = "127.0.0.1:50051"
DEFAULT_TIMEOUT_S = 30.0  # per call; Make of an Atari env loads a ROM
MAX_MESSAGE_BYTES = 64 * 1024 * 1024  # the Java server's default limit; gRPC's own is 4 MiB

_TLS_SETTINGS = ("tls", "tls_ca", "tls_cert", "tls_key", "tls_server_name")


def resolve_security(
    security: ClientSecurity | None, channel: grpc.Channel | None, **settings
) -> ClientSecurity:
    """The connection's token and TLS from make()'s arguments (token, token_file, tls, tls_ca,
    tls_cert, tls_key, tls_server_name), else the environment; or ``security`` as given."""
    if security is not None:
        given = sorted(k for k, v in settings.items() if v is not None)
        if given:
            raise ConfigError(
                f"security= already holds the token and TLS settings; drop {', '.join(given)}"
            )
        return security
    if channel is not None:
        given = [k for k in _TLS_SETTINGS if settings.get(k) is not None]
        if given:
            raise ConfigError(
                f"{', '.join(given)}: channel= is a ready channel; set TLS on it "
                "(grpc.secure_channel) instead"
            )
        return ClientSecurity.resolve(
            token=settings.get("token"), token_file=settings.get("token_file"), tls_from_env=False
        )
    return ClientSecurity.resolve(**settings)


class Connection:
    """A channel, a stub and the address, with every call given a deadline and the bearer token,
    and errors turned into RemoteError."""

    def __init__(
        self, address: str, timeout_s: float, security: ClientSecurity, channel: grpc.Channel | None
    ):
        self.address = address
        self.timeout_s = timeout_s
        self.metadata = security.metadata
        self.owns_channel = channel is None
        self.channel = channel or security.channel(
            address,
            options=[
                ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
                ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
            ],
        )
        self.stub = pb_grpc.EnvServiceStub(self.channel)

    def __repr__(self) -> str:  # never the metadata: it holds the token
        return f"Connection({self.address!r})"

    def call(self, rpc: str, request):
        try:
            return getattr(self.stub, rpc)(request, timeout=self.timeout_s, metadata=self.metadata)
        except grpc.RpcError as e:
            raise RemoteError.from_rpc_error(rpc, self.address, e) from None

    def close(self):
        if self.owns_channel:
            self.channel.close()


def close_session(conn: Connection, session_id: str) -> None:
    """Finalizer: close the session quietly (the server may have closed it already)."""
    with contextlib.suppress(Exception):  # best effort at garbage collection / exit
        conn.call("Close", pb.CloseRequest(session_id=session_id))
    conn.close()
