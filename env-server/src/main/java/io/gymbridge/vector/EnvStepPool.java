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
  /** Queued tasks per thread before callers run their own work. */
  private static final int QUEUE_PER_THREAD = 64;

  private final ThreadPoolExecutor executor;
  private final int threads;

  public EnvStepPool(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("env step threads must be >= 1, got " + threads);
    }
    this.threads = threads;
    this.executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(threads * QUEUE_PER_THREAD),
            WorkerThreads.factory("gymbridge-env-step"),
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
   * Runs {@code body} for 0..n-1 on up to {@link #threads()} threads, the calling thread one of
   * them, and returns only when every index has finished (even if interrupted, since an env must
   * never be used by two threads at once). Each thread takes the next index not yet taken, so an
   * env that takes longer this step (a reset with its noops) does not leave a core idle behind a
   * fixed share. Each index runs on exactly one thread. The first failure is rethrown after all
   * threads end, the others suppressed in it.
   */
  public void forEach(int n, IntConsumer body) {
    int workers = Math.min(n, threads);
    if (workers <= 1) {
      for (int i = 0; i < n; i++) {
        body.accept(i);
      }
      return;
    }
    AtomicInteger next = new AtomicInteger();
    Runnable work =
        () -> {
          for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
            body.accept(i);
          }
        };
    @SuppressWarnings("unchecked")
    Future<?>[] futures = new Future<?>[workers - 1];
    for (int w = 1; w < workers; w++) {
      futures[w - 1] = executor.submit(work);
    }
    Throwable failure = null;
    try {
      work.run();
    } catch (RuntimeException | Error e) {
      failure = e;
      next.set(n); // the other threads stop after their current index
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

  /** Stops the threads; running tasks finish. */
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
