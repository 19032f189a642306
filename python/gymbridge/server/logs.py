"""Rate-limited log lines for refusals: a client that sends garbage, a wrong token or thousands of
bad requests must not flood the server's log (nor fill its disk), yet the operator must still see
that it happens and how often."""

from __future__ import annotations

import logging
import threading
import time

from gymbridge.server import defaults

DEFAULT_INTERVAL_S = defaults.REFUSAL_LOG_INTERVAL_S


class RateLimitedLog:
    """At most one line per ``interval_s`` for each kind of event; the next line that is written
    says how many of that kind were left out since the previous one. flush() writes the counts
    still pending (at shutdown)."""

    def __init__(
        self, logger: logging.Logger, interval_s: float = DEFAULT_INTERVAL_S, clock=time.monotonic
    ):
        self.logger = logger
        self.interval_s = interval_s
        self._clock = clock
        self._lock = threading.Lock()
        self._last: dict[str, float] = {}  # kind -> when a line of that kind was last written
        self._suppressed: dict[str, int] = {}
        self._level: dict[str, int] = {}

    def log(self, kind: str, level: int, msg: str, *args, exc_info=None) -> bool:
        """Writes ``msg % args`` unless a line of this kind was written less than interval_s ago;
        returns whether it was written."""
        if not self.logger.isEnabledFor(level):
            return False
        now = self._clock()
        with self._lock:
            last = self._last.get(kind)
            if last is not None and now - last < self.interval_s:
                self._suppressed[kind] = self._suppressed.get(kind, 0) + 1
                self._level[kind] = level
                return False
            left_out = self._suppressed.pop(kind, 0)
            self._last[kind] = now
        if left_out:
            msg += " [%d more %s left out of the log since the line before]"
            args = (*args, left_out, kind)
        self.logger.log(level, msg, *args, exc_info=exc_info)
        return True

    def flush(self) -> None:
        with self._lock:
            pending = list(self._suppressed.items())
            self._suppressed.clear()
        for kind, n in pending:
            self.logger.log(
                self._level.get(kind, logging.INFO), "%d more %s left out of the log", n, kind
            )
