"""The exception a gymbridge client raises when a server refuses or fails a call."""

from __future__ import annotations

import grpc


class RemoteError(RuntimeError):
    """A call to a gymbridge server failed. ``code`` is the gRPC status (grpc.StatusCode),
    ``details`` the server's message, ``rpc`` the call; str() says all three and the address."""

    def __init__(self, rpc: str, address: str, code: grpc.StatusCode, details: str):
        self.rpc = rpc
        self.address = address
        self.code = code
        self.details = details
        super().__init__(f"{rpc} at {address} failed with {code.name}: {details}")

    @classmethod
    def from_rpc_error(cls, rpc: str, address: str, e: grpc.RpcError) -> "RemoteError":
        code = e.code() if hasattr(e, "code") else grpc.StatusCode.UNKNOWN
        details = e.details() if hasattr(e, "details") else str(e)
        return cls(rpc, address, code, details or "(no message)")
