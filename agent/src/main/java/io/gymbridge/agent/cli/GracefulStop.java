package io.gymbridge.agent.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ctrl-C or SIGTERM (docker stop, a Kubernetes eviction, a session's end) while a training runs:
 * the trainer finishes the batch of env steps in hand, writes a checkpoint and the curve, and the
 * process ends, so {@code --resume} continues from that step instead of the last periodic
 * checkpoint. The JVM runs its shutdown hooks on those signals and halts when they return; this
 * hook asks the trainer to stop and waits until {@link #close} says it has.
 */
final class GracefulStop implements AutoCloseable {
  /** Longest the hook holds the JVM: a checkpoint with a full Atari replay is ~7 GB to write. */
  static final Duration MAX_WAIT = Duration.ofMinutes(10);

  private final AtomicBoolean requested = new AtomicBoolean();
  private final CountDownLatch finished = new CountDownLatch(1);
  private final Thread hook;

  private GracefulStop(PrintStream out) {
    this.hook =
        new Thread(
            () -> {
              requested.set(true);
              out.println(
                  "stopping: finishing this batch of steps and writing a checkpoint (kill -9 quits"
                      + " without one)");
              try {
                finished.await(MAX_WAIT.toSeconds(), TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "gymbridge-graceful-stop");
  }

  /** Catches the signals from now until {@link #close}. */
  static GracefulStop install(PrintStream out) {
    GracefulStop stop = new GracefulStop(out);
    Runtime.getRuntime().addShutdownHook(stop.hook);
    return stop;
  }

  /** Whether a signal asked the training to stop. */
  boolean requested() {
    return requested.get();
  }

  /** The training has ended, stopped or not: a waiting hook lets the JVM halt. */
  @Override
  public void close() {
    finished.countDown();
    if (!requested.get()) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // The JVM is already shutting down (a signal right now): the hook returns at once.
      }
    }
  }
}
