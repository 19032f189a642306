package io.gymbridge.client;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

/**
 * A {@link NanoClock} that moves only when told: {@link #advance} moves it, and a sleep returns at
 * once having moved it by the sleep's length. Backoff and rebalance intervals then cost no real
 * time, and a test can act at the n-th pause ({@link #onSleep}) instead of guessing how long real
 * time takes.
 */
final class FakeClock implements NanoClock {
  private static final long ORIGIN = 1_000_000_000_000L;
  private final AtomicLong now = new AtomicLong(ORIGIN);
  private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
  private volatile IntConsumer onSleep = n -> {};

  @Override
  public long nanoTime() {
    return now.get();
  }

  @Override
  public void sleep(long nanos) {
    if (nanos <= 0) {
      return;
    }
    sleeps.add(Duration.ofNanos(nanos));
    now.addAndGet(nanos);
    onSleep.accept(sleeps.size());
  }

  void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  /** The pauses taken so far, in order. */
  List<Duration> sleeps() {
    return List.copyOf(sleeps);
  }

  /** How far the clock has moved since it was made. */
  Duration elapsed() {
    return Duration.ofNanos(now.get() - ORIGIN);
  }

  /** Runs {@code action} with the pause's number (1, 2, ...) at the end of each pause. */
  void onSleep(IntConsumer action) {
    this.onSleep = action;
  }

  /** {@code config} reading this clock. */
  ClientConfig drive(ClientConfig config) {
    return config.toBuilder().clock(this).build();
  }
}
