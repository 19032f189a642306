package io.gymbridge.server;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WARN line per window for requests the server refuses as malformed, however many arrive: a
 * client (or an attacker) sending garbage in a loop must not flood the log or slow the server with
 * stack traces. The line after a quiet window says how many were left out.
 */
final class RefusalLog {
  static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final Logger log = LoggerFactory.getLogger(RefusalLog.class);

  private final LongSupplier clock;
  private long windowStart;
  private boolean logged;
  private long suppressed;

  RefusalLog() {
    this(System::nanoTime);
  }

  RefusalLog(LongSupplier nanoClock) {
    this.clock = nanoClock;
  }

  /** Records one refusal; logs it unless one was logged in this window. */
  void refused(String what, String peer) {
    String line = null;
    synchronized (this) {
      long now = clock.getAsLong();
      if (!logged || now - windowStart >= WINDOW_NANOS) {
        line =
            suppressed == 0
                ? String.format("refused %s from %s", what, peer)
                : String.format(
                    "refused %s from %s (and %d more in the last %d s)",
                    what, peer, suppressed, TimeUnit.NANOSECONDS.toSeconds(now - windowStart));
        windowStart = now;
        logged = true;
        suppressed = 0;
      } else {
        suppressed++;
      }
    }
    if (line != null) {
      log.warn(line);
    }
  }

  /** Refusals left out of the log since the last line (tests). */
  synchronized long suppressed() {
    return suppressed;
  }
}
