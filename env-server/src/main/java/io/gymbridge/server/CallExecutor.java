package io.gymbridge.server;

import io.gymbridge.vector.WorkerThreads;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Where a call runs. gRPC hands every call to a Netty event loop ({@link EventLoops}), which also
 * moves the bytes of every other connection on that loop: a call that computes for milliseconds
 * there (a Make that loads a ROM, an Atari vector step) stalls those connections. So cheap calls
 * run inline on the loop, the fast path that keeps a CartPole round trip near the TCP floor, and
 * the rest go to a bounded pool of named threads ({@code gymbridge-call-N}).
 *
 * <p>Which calls are cheap is decided in one place, {@link RequestHandler#runsInline}: a reset,
 * step or close of a session whose env does not declare costly steps and whose recent steps (for a
 * step or close) or last reset (for a reset) took at most {@link #INLINE_LIMIT_NANOS} (see {@code
 * Session.isCheapToStep}); a session's first reset and first step, renders, Make and ListEnvs
 * always go to the pool, GetServerInfo never. When the pool's queue is full the call is refused
 * RESOURCE_EXHAUSTED at once rather than queued without bound.
 */
final class CallExecutor implements AutoCloseable {
  /** 50 us: CartPole steps take ~1-20 us (1-64 envs), an Atari step ~1 ms per env. */
  static final long INLINE_LIMIT_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

  private final ThreadPoolExecutor pool;
  private final int queueCapacity;

  CallExecutor(int threads, int queueCapacity) {
    this.queueCapacity = queueCapacity;
    ThreadFactory named = WorkerThreads.factory("gymbridge-call");
    this.pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(queueCapacity),
            named,
            new ThreadPoolExecutor.AbortPolicy());
    pool.allowCoreThreadTimeOut(true); // an idle server holds no call threads
  }

  /**
   * Two threads per core: the pool's calls mostly wait, on the env step pool that already spreads a
   * vector step over the cores, so more threads than cores keep sessions from queueing behind one
   * another.
   */
  static CallExecutor perCore() {
    int cores = Runtime.getRuntime().availableProcessors();
    return new CallExecutor(Math.max(4, 2 * cores), 4096);
  }

  /**
   * Runs {@code call} here when {@code inline}, else on the pool.
   *
   * @return false when the pool is full and {@code call} did not run: refuse it
   *     (RESOURCE_EXHAUSTED)
   */
  boolean run(boolean inline, Runnable call) {
    if (inline) {
      call.run();
      return true;
    }
    try {
      pool.execute(call);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  /** The message a refused call gets. */
  String busyMessage() {
    return "the server is busy: "
        + queueCapacity
        + " slow calls are already waiting for its "
        + pool.getMaximumPoolSize()
        + " call threads; retry shortly or use another server";
  }

  @Override
  public void close() {
    pool.shutdown();
    try {
      if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
