"""A refused or failed request, carrying the gRPC status the contract assigns."""

from __future__ import annotations

import grpc


class Refusal(Exception):
    """Raised inside the server; the service answers ``code`` with ``message``."""

    def __init__(self, code: grpc.StatusCode, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def invalid(message: str) -> Refusal:
    return Refusal(grpc.StatusCode.INVALID_ARGUMENT, message)
