"""EnvService's gRPC method handlers, taking each request as bytes and parsing it here.

With the generated add_EnvServiceServicer_to_server, grpcio parses requests itself and answers
bytes that are not a valid message with UNKNOWN "Exception deserializing request", after logging a
traceback per request: a client with mismatched .proto files, or anyone sending garbage, would get
a status the contract does not list and flood the log. Parsing here makes that INVALID_ARGUMENT
with one short message (unary calls) or an in-band error (Stream: the stream goes on, as the
contract says of failed stream requests), logged at most once per few seconds.
"""

from __future__ import annotations

import grpc
from google.protobuf.message import DecodeError

from gymbridge.server.errors import Refusal
from gymbridge.v1 import env_service_pb2 as pb

SERVICE = pb.DESCRIPTOR.services_by_name["EnvService"]


def parse(cls, data: bytes):
    """The message of type cls in data, or a Refusal (INVALID_ARGUMENT) saying why not."""
    try:
        return cls.FromString(data)
    except (DecodeError, ValueError, RecursionError) as e:
        reason = str(e).strip() or type(e).__name__
        return Refusal(
            grpc.StatusCode.INVALID_ARGUMENT,
            f"request: these {len(data)} bytes are not a valid {cls.DESCRIPTOR.full_name} "
            f"({reason[:100]}); "
            "client and server must use the same gymbridge.v1 .proto files",
        )


def generic_handler(service) -> grpc.GenericRpcHandler:
    """Handlers for every EnvService method of ``service`` (an EnvService): the unary ones call
    ``service.<Method>(request, context)``; Stream gets an iterator of StreamRequest or Refusal."""
    handlers = {}
    for m in SERVICE.methods:
        req_cls = getattr(pb, m.input_type.name)
        serialize = getattr(pb, m.output_type.name).SerializeToString
        if m.client_streaming and m.server_streaming:
            handlers[m.name] = grpc.stream_stream_rpc_method_handler(
                _streaming(getattr(service, m.name), req_cls), response_serializer=serialize
            )
        elif not (m.client_streaming or m.server_streaming):
            handlers[m.name] = grpc.unary_unary_rpc_method_handler(
                _unary(service, getattr(service, m.name), req_cls, m.name),
                response_serializer=serialize,
            )
        else:  # pragma: no cover - the contract has no such method; fail loudly if one is added
            raise NotImplementedError(f"{m.name}: only unary and bidirectional methods are served")
    return grpc.method_handlers_generic_handler(SERVICE.full_name, handlers)


def _unary(service, method, req_cls, rpc: str):
    def handle(data: bytes, context):
        req = parse(req_cls, data)
        if isinstance(req, Refusal):
            service.refuse_malformed(rpc, req, context)  # aborts
        return method(req, context)

    return handle


def _streaming(method, req_cls):
    def handle(request_iterator, context):
        return method((parse(req_cls, data) for data in request_iterator), context)

    return handle
