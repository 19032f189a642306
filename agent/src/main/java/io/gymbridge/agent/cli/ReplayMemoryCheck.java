package io.gymbridge.agent.cli;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.gymbridge.agent.train.TrainConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Refuses, before the first step, a replay buffer that cannot fit: an Atari replay allocates its
 * frames off the Java heap as it fills, so without this check a run too big for the JVM's direct
 * memory or the machine would fail hours in, when the buffer reaches the limit.
 */
final class ReplayMemoryCheck {
  /** The memory a replay reaches when full: frames off the heap, arrays on it. */
  record Need(long directBytes, long heapBytes) {
    long total() {
      return directBytes + heapBytes;
    }
  }

  /** What this process may use: the JVM's limits and the machine's available memory. */
  record Budget(long maxDirectBytes, long maxHeapBytes, long machineAvailableBytes) {}

  private ReplayMemoryCheck() {}

  /**
   * The full replay of config {@code c} for observations of {@code shape}: for image stacks ({@code
   * images}) one frame per slot off the heap plus a flag, action and reward per slot (and a sum
   * tree when prioritized); for vectors, observation and next observation as float32 plus action,
   * reward and discount per transition.
   */
  static Need need(TrainConfig c, long[] shape, boolean images, int numEnvs) {
    long capacity = c.bufferSize();
    if (images) {
      long slots = capacity / numEnvs * numEnvs;
      long frameBytes = shape[1] * shape[2];
      long tree = c.prioritized() ? 16L * Long.highestOneBit(Math.max(1, slots) * 2 - 1) : 0;
      return new Need(slots * frameBytes, slots * (1 + 4 + 4) + tree);
    }
    long obs = 1;
    for (long d : shape) {
      obs *= d;
    }
    long tree = c.prioritized() ? 16L * Long.highestOneBit(Math.max(1, capacity) * 2 - 1) : 0;
    return new Need(0, capacity * (2 * obs * 4 + 12) + tree);
  }

  /**
   * Throws, with the numbers and the key to lower, when {@code need} does not fit {@code budget}.
   */
  static void require(Need need, Budget budget, TrainConfig c) {
    String what =
        String.format(
            Locale.ROOT,
            "the replay (bufferSize %,d) needs %s when full",
            c.bufferSize(),
            gb(need.total()));
    if (need.directBytes() > budget.maxDirectBytes()) {
      throw tooBig(
          what
              + ", "
              + gb(need.directBytes())
              + " of it off the Java heap, but this JVM may use "
              + gb(budget.maxDirectBytes())
              + " there (-XX:MaxDirectMemorySize: bin/agent sets 80% of the machine's memory;"
              + " GYMBRIDGE_JAVA_OPTS passes another)",
          c,
          (double) budget.maxDirectBytes() / need.directBytes());
    }
    // The heap also holds everything else of the agent: leave it a fifth.
    long heapRoom = budget.maxHeapBytes() / 5 * 4;
    if (need.heapBytes() > heapRoom) {
      throw tooBig(
          what
              + ", "
              + gb(need.heapBytes())
              + " of it on the Java heap, which may grow to "
              + gb(budget.maxHeapBytes())
              + " (-Xmx; GYMBRIDGE_JAVA_OPTS passes another)",
          c,
          (double) heapRoom / need.heapBytes());
    }
    if (budget.machineAvailableBytes() > 0 && need.total() > budget.machineAvailableBytes()) {
      throw tooBig(
          what + ", but this machine has " + gb(budget.machineAvailableBytes()) + " available",
          c,
          (double) budget.machineAvailableBytes() / need.total());
    }
  }

  /** One line for the start of a run: what the replay will take, against what there is. */
  static String describe(Need need, Budget budget, TrainConfig c) {
    return String.format(
            Locale.ROOT,
            "replay: bufferSize %,d, %s when full (this JVM may use %s off the heap",
            c.bufferSize(),
            gb(need.total()),
            gb(budget.maxDirectBytes()))
        + (budget.machineAvailableBytes() > 0
            ? ", the machine has " + gb(budget.machineAvailableBytes()) + " available)"
            : ")");
  }

  private static IllegalArgumentException tooBig(String why, TrainConfig c, double fits) {
    long size = (long) (c.bufferSize() * fits * 0.9);
    long rounded = size >= 20_000 ? size / 10_000 * 10_000 : size;
    return new IllegalArgumentException(
        why + ": lower it, e.g. --set bufferSize=" + rounded + " (a buffer of that size fits)");
  }

  /** This JVM's limits and the machine's MemAvailable (0 where /proc/meminfo is not there). */
  static Budget thisProcess() {
    long heap = Runtime.getRuntime().maxMemory();
    long direct = heap; // the JVM's default when MaxDirectMemorySize is not set
    try {
      HotSpotDiagnosticMXBean hotspot =
          ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      long set = Long.parseLong(hotspot.getVMOption("MaxDirectMemorySize").getValue());
      if (set > 0) {
        direct = set;
      }
    } catch (RuntimeException e) {
      // not HotSpot: the heap's size is the usual default
    }
    return new Budget(direct, heap, memAvailable());
  }

  private static long memAvailable() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemAvailable:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: the JVM's limits are checked still
    }
    return 0;
  }

  private static String gb(long bytes) {
    return String.format(Locale.ROOT, "%.1f GB", bytes / 1e9);
  }
}
