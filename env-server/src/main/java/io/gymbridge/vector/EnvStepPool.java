package io.gymbridge.vector;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * The server's threads for stepping the envs of vector sessions in parallel, shared by all
 * sessions: a fixed number of named daemon threads (one per core by default) and a bounded queue.
 * When the queue is full the caller runs the work itself, so a burst of sessions slows down instead
 * of failing.
 *
 * <p>Only envs whose step is costly (Atari, ~1 ms) are worth it: handing CartPole's 0.1 us step to
 * another thread costs more than the step, so {@link VectorEnv} keeps those on the calling thread.
 */
public final class EnvStepPool implements AutoCloseable {
  /** Queued chunks per thread before callers run their own work. */
  private static final int QUEUE_PER_THREAD = 64;

  private final ThreadPoolExecutor executor;
  private final int threads;

  public EnvStepPool(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("env step threads must be >= 1, got " + threads);
    }
    this.threads = threads;
    AtomicInteger count = new AtomicInteger();
    this.executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(threads * QUEUE_PER_THREAD),
            r -> {
              Thread t = new Thread(r, "gymbridge-env-step-" + count.incrementAndGet());
              t.setDaemon(true);
              return t;
            },
            new ThreadPoolExecutor.CallerRunsPolicy());
  }

  /** One thread per available core. */
  public static EnvStepPool perCore() {
    return new EnvStepPool(Runtime.getRuntime().availableProcessors());
  }

  public int threads() {
    return threads;
  }

  /**
   * Runs {@code body} for 0..n-1 in up to {@link #threads()} contiguous chunks, the calling thread
   * taking the first, and returns only when every chunk has finished (even if interrupted, since an
   * env must never be used by two threads at once). Each index runs on exactly one thread. The
   * first failure is rethrown after all chunks end, the others suppressed in it.
   */
  public void forEach(int n, IntConsumer body) {
    int chunks = Math.min(n, threads);
    if (chunks <= 1) {
      for (int i = 0; i < n; i++) {
        body.accept(i);
      }
      return;
    }
    @SuppressWarnings("unchecked")
    Future<?>[] futures = new Future<?>[chunks - 1];
    for (int c = 1; c < chunks; c++) {
      int from = (int) ((long) c * n / chunks);
      int to = (int) ((long) (c + 1) * n / chunks);
      futures[c - 1] =
          executor.submit(
              () -> {
                for (int i = from; i < to; i++) {
                  body.accept(i);
                }
              });
    }
    Throwable failure = null;
    try {
      for (int i = 0, to = n / chunks; i < to; i++) {
        body.accept(i);
      }
    } catch (RuntimeException | Error e) {
      failure = e;
    }
    boolean interrupted = false;
    for (Future<?> f : futures) {
      while (true) {
        try {
          f.get();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (failure == null) {
            failure = cause;
          } else {
            failure.addSuppressed(cause);
          }
          break;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failure instanceof RuntimeException re) {
      throw re;
    }
    if (failure instanceof Error err) {
      throw err;
    }
    if (failure != null) {
      throw new IllegalStateException("an env failed", failure);
    }
  }

  /** Stops the threads; running chunks finish. */
  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
