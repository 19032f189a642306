package io.gymbridge.server;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** A nanosecond clock that moves only when a test says so: the idle timeout without sleeping. */
final class ManualClock implements LongSupplier {
  /** An arbitrary start far from 0 and from overflow, as {@link System#nanoTime()} may be. */
  private final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);

  @Override
  public long getAsLong() {
    return nanos.get();
  }

  void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }
}
