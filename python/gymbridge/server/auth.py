"""The bearer-token check of a Python server, the Java env-server's BearerTokenInterceptor in
Python: ``authorization: Bearer <token>`` on every call but grpc.health.v1 (orchestrators probe
health without credentials), compared in constant time, refused with UNAUTHENTICATED before the
request is read or parsed."""

from __future__ import annotations

import hmac
import logging

import grpc

from gymbridge.security import AUTHORIZATION
from gymbridge.server.guard import shown
from gymbridge.server.logs import RateLimitedLog

HEALTH_PREFIX = "/grpc.health.v1.Health/"
MISSING = "this server requires 'authorization: Bearer <token>' metadata"  # as the Java server says
WRONG = "the bearer token is wrong"


class BearerTokenInterceptor(grpc.aio.ServerInterceptor):
    def __init__(self, token: str, refusals: RateLimitedLog):
        self._expected = token.encode("utf-8")
        self._refusals = refusals

    async def intercept_service(self, continuation, handler_call_details):
        method = handler_call_details.method
        if method.startswith(HEALTH_PREFIX):
            return await continuation(handler_call_details)
        given = [
            v for k, v in (handler_call_details.invocation_metadata or ()) if k == AUTHORIZATION
        ]
        problem = self._problem(given)
        if problem is None:
            return await continuation(handler_call_details)
        self._refusals.log(
            "unauthenticated calls",
            logging.WARNING,
            "refused %s: UNAUTHENTICATED (%s)",
            shown(method, 100),  # the client's own path: any length up to the header limit
            problem,
        )
        return _refuse(problem)

    def _problem(self, given: list) -> str | None:
        """None when exactly one authorization header carries the token; else why not."""
        if not given:
            return MISSING
        value = (
            given[0].encode("utf-8", "replace") if isinstance(given[0], str) else bytes(given[0])
        )
        scheme, _, token = value.partition(b" ")
        # Evaluated in full whatever the scheme, so that timing says nothing about the token.
        same = hmac.compare_digest(token.strip(), self._expected)
        if len(given) != 1 or scheme.lower() != b"bearer" or not same:
            return WRONG
        return None


def _refuse(message: str) -> grpc.RpcMethodHandler:
    """A handler that answers UNAUTHENTICATED at once. Stream-in/stream-out for every method, so
    that the server neither waits for nor parses the request of an unauthenticated caller (a unary
    handler would first read a message of up to the size limit)."""

    async def abort(request_iterator, context):
        await context.abort(grpc.StatusCode.UNAUTHENTICATED, message)

    return grpc.stream_stream_rpc_method_handler(abort)
