"""The exceptions a gymbridge client raises: a server refused or failed a call (RemoteError), or the
connection settings cannot work (ConfigError, raised before anything is sent)."""

from __future__ import annotations

import grpc

# What to try when a status says the connection's settings, not the request, are wrong. Shown after
# the server's message so that a user sees the fix without reading gRPC's documentation.
_HINTS = {
    grpc.StatusCode.UNAUTHENTICATED: (
        "the server requires a bearer token: pass token= / --token-file, or set GYMBRIDGE_TOKEN or "
        "GYMBRIDGE_TOKEN_FILE"
    ),
    grpc.StatusCode.UNAVAILABLE: (
        "is the server up at that address, and does it speak TLS exactly when this client does "
        "(tls=, tls_ca=; a certificate for another name needs tls_server_name=)?"
    ),
}


class ConfigError(ValueError):
    """Connection settings that cannot work: a certificate file that is missing or not PEM, a key
    without its certificate, an empty token file. The text names the setting; it never contains a
    token."""


class RemoteError(RuntimeError):
    """A call to a gymbridge server failed. ``code`` is the gRPC status (grpc.StatusCode),
    ``details`` the server's message, ``rpc`` the call; str() says all three and the address, and a
    hint when the status points at the connection's settings (token, TLS)."""

    def __init__(self, rpc: str, address: str, code: grpc.StatusCode, details: str):
        self.rpc = rpc
        self.address = address
        self.code = code
        self.details = details
        text = f"{rpc} at {address} failed with {code.name}: {details}"
        if code in _HINTS:
            text += f" ({_HINTS[code]})"
        super().__init__(text)

    @classmethod
    def from_rpc_error(cls, rpc: str, address: str, e: grpc.RpcError) -> RemoteError:
        code = e.code() if hasattr(e, "code") else grpc.StatusCode.UNKNOWN
        details = e.details() if hasattr(e, "details") else str(e)
        return cls(rpc, address, code, details or "(no message)")
