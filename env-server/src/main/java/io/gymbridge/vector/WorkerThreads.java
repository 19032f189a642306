package io.gymbridge.vector;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Threads for the server's heavy work (env steps, slow calls), named and daemon, and on Linux
 * optionally at a lower CPU priority (a higher nice value) than gRPC's event loops.
 *
 * <p>Why: on a machine with few cores, a client stepping many Atari envs keeps every core busy, and
 * a cheap call that arrives meanwhile (a CartPole step, answered on an event loop) waits for the
 * scheduler's next time slice, milliseconds. With the heavy threads niced, the kernel runs the
 * event loop as soon as it wakes, so light clients keep their round trip while heavy ones share
 * what is left. The standalone server turns it on ({@code --worker-nice}, default 10); a server
 * embedded in the agent leaves it off, since there the env steps are what the trainer waits for.
 */
public final class WorkerThreads {
  private static final Logger log = LoggerFactory.getLogger(WorkerThreads.class);
  private static volatile int nice;
  private static volatile boolean warned;

  private WorkerThreads() {}

  /** Nice value for worker threads started from now on: 0 (unchanged) to 19. */
  public static void setNice(int value) {
    if (value < 0 || value > 19) {
      throw new IllegalArgumentException("worker nice must be in 0..19, got " + value);
    }
    nice = value;
  }

  /** A factory of daemon threads named {@code prefix-N} that lower their priority on start. */
  public static ThreadFactory factory(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t =
          new Thread(
              () -> {
                lowerPriority();
                r.run();
              },
              prefix + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  private static void lowerPriority() {
    int n = nice;
    if (n == 0) {
      return;
    }
    try {
      // Linux: setpriority(PRIO_PROCESS, 0, n) sets the calling thread's nice value.
      if (LibC.INSTANCE.setpriority(0, 0, n) != 0 && !warned) {
        warned = true;
        log.warn("could not lower the worker threads' priority (nice {})", n);
      }
    } catch (LinkageError | RuntimeException e) { // no JNA native, not Linux: keep the default
      if (!warned) {
        warned = true;
        log.warn("worker thread priority unchanged: {}", e.toString());
      }
    }
  }

  private interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int setpriority(int which, int who, int prio);
  }
}
