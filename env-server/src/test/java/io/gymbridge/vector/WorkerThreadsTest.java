package io.gymbridge.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkerThreadsTest {
  @AfterEach
  void restore() {
    WorkerThreads.setNice(0);
  }

  @Test
  void nicedWorkersRunAtThatNiceValueWithAShortSlice() throws Exception {
    assumeTrue(Files.exists(Path.of("/proc/thread-self/sched")), "Linux only");
    WorkerThreads.setNice(10);
    List<String> seen = inWorker();
    assertEquals("10", seen.get(0), "nice");
    // se.slice: the slice the thread asked for, where the kernel has per-thread slices (EEVDF).
    if (seen.get(1) != null) {
      assertEquals(Long.toString(WorkerThreads.SLICE_NANOS), seen.get(1), "se.slice");
    }
  }

  @Test
  void atNiceZeroWorkersAreLeftAsTheyAre() throws Exception {
    assumeTrue(Files.exists(Path.of("/proc/thread-self/sched")), "Linux only");
    List<String> mine = schedOf();
    List<String> seen = inWorker();
    assertEquals(mine, seen);
  }

  /** {nice, se.slice or null} of a thread made by the factory, read from inside it. */
  private static List<String> inWorker() throws InterruptedException {
    AtomicReference<List<String>> seen = new AtomicReference<>();
    Thread t = WorkerThreads.factory("test-worker").newThread(() -> seen.set(schedOf()));
    t.start();
    t.join();
    return seen.get();
  }

  private static List<String> schedOf() {
    try {
      // /proc/thread-self/stat: the 19th field is the nice value (after the name in parentheses).
      String stat = Files.readString(Path.of("/proc/thread-self/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      String nice = fields[16];
      String slice =
          Files.readAllLines(Path.of("/proc/thread-self/sched")).stream()
              .filter(l -> l.startsWith("se.slice"))
              .map(l -> l.substring(l.indexOf(':') + 1).trim())
              .findFirst()
              .orElse(null);
      return java.util.Arrays.asList(nice, slice);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
