package io.gymbridge.vector;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import java.util.List;
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
 *
 * <p>Niced threads also ask for a short scheduler slice ({@link #SLICE_NANOS}): Linux's EEVDF
 * scheduler (6.6 and later) lets the running thread finish its slice before a thread that wakes
 * runs, whatever their nice values, so with the default slice (1.4 ms on the 2-core VM) a woken
 * event loop waited up to that long behind an Atari step. Kernels that do not take a slice for
 * normal threads ignore it. Measured by bench-isolation (a CartPole client's p99 beside 64 Atari
 * envs, against alone): with the workers at nice 10 and 0.1 ms slices most rounds stay within 2x,
 * at nice 0 single rounds reached 10x.
 */
public final class WorkerThreads {
  private static final Logger log = LoggerFactory.getLogger(WorkerThreads.class);

  /** The scheduler slice niced threads ask for (Linux 6.12+ honours it for normal threads). */
  static final long SLICE_NANOS = 100_000;

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
      // Linux: sched_setattr(0, attr, 0) sets the calling thread's nice value and slice at once;
      // where it is missing, setpriority(PRIO_PROCESS, 0, n) sets the nice value alone.
      if (X86_64_LINUX && LibC.INSTANCE.syscall(SYS_SCHED_SETATTR, 0, schedAttr(n), 0) == 0) {
        return;
      }
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

  // The syscall's number is the architecture's: 314 on x86_64; elsewhere only setpriority is used.
  private static final long SYS_SCHED_SETATTR = 314;
  private static final boolean X86_64_LINUX =
      System.getProperty("os.name").equals("Linux")
          && List.of("amd64", "x86_64").contains(System.getProperty("os.arch"));

  /** struct sched_attr (its first version, 48 bytes): SCHED_OTHER, this nice value, the slice. */
  private static Memory schedAttr(int niceValue) {
    Memory attr = new Memory(48);
    attr.clear();
    attr.setInt(0, 48); // size
    attr.setInt(4, 0); // sched_policy: SCHED_OTHER
    attr.setLong(8, 0); // sched_flags
    attr.setInt(16, niceValue); // sched_nice
    attr.setInt(20, 0); // sched_priority
    attr.setLong(24, SLICE_NANOS); // sched_runtime: the slice, for a normal thread
    return attr;
  }

  private interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int setpriority(int which, int who, int prio);

    long syscall(long number, Object... args);
  }
}
