"""Gives memory back to the operating system after a large request was refused.

gRPC reads a request whole before the server sees it, in many small pieces of the C heap, and
frees them when the call ends; glibc keeps freed pieces for reuse instead of returning them, so
after a burst of oversized health requests a server stayed hundreds of megabytes larger (and grew
with each burst: 1.26 GiB after three bursts of eight 60 MB requests). malloc_trim(0) returns what
is free, so the burst leaves the server as it found it (docs/security.md has the figures). Runs at
most once per burst: the trim is scheduled a moment after a large refusal, once.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import logging

log = logging.getLogger("gymbridge.server")

LARGE_BYTES = 1 << 20  # requests this large are worth a trim
DELAY_S = 0.2  # one trim for a whole burst of refusals

try:
    _malloc_trim = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    _malloc_trim.argtypes = (ctypes.c_size_t,)
except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to trim this way
    _malloc_trim = None


class Trimmer:
    """Schedules one malloc_trim on the running event loop after large refused requests."""

    def __init__(self):
        self._scheduled = False

    def after_refusing(self, size: int) -> None:
        if _malloc_trim is None or size < LARGE_BYTES or self._scheduled:
            return
        self._scheduled = True
        asyncio.get_running_loop().call_later(DELAY_S, self._trim)

    def _trim(self) -> None:
        self._scheduled = False
        try:
            _malloc_trim(0)
        except Exception:  # noqa: BLE001 - giving memory back is a nicety, never a failure
            log.debug("malloc_trim failed", exc_info=True)
