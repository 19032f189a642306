package io.gymbridge.client;

import java.util.concurrent.TimeUnit;

/**
 * Where the client's time comes from: request deadlines, reconnect backoff and budget, rebalance
 * checks and close timeouts all read it. {@link #SYSTEM} in use; a test passes a fake one through
 * {@link ClientConfig.Builder#clock} so that backoff and rebalancing run without real sleeps.
 *
 * <p>Waits on the network (a response, a stream's end, a channel's termination) still block in real
 * time, for as long as this clock says is left.
 */
public interface NanoClock {
  /** Now, in nanoseconds from an arbitrary origin, as {@link System#nanoTime()}. */
  long nanoTime();

  /** Pauses the calling thread for {@code nanos} (nothing when {@code nanos <= 0}). */
  void sleep(long nanos) throws InterruptedException;

  /** The system's monotonic clock and real sleeps. */
  NanoClock SYSTEM =
      new NanoClock() {
        @Override
        public long nanoTime() {
          return System.nanoTime();
        }

        @Override
        public void sleep(long nanos) throws InterruptedException {
          TimeUnit.NANOSECONDS.sleep(nanos);
        }

        @Override
        public String toString() {
          return "NanoClock.SYSTEM";
        }
      };
}
