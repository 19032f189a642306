package io.gymbridge.agent.cli;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gymbridge.agent.train.ConfigLoader;
import io.gymbridge.agent.train.TrainConfig;
import org.junit.jupiter.api.Test;

class ReplayMemoryCheckTest {
  private static final long GB = 1_000_000_000L;
  private static final long[] ATARI = {4, 84, 84};
  private final TrainConfig atariFast = new ConfigLoader().preset("atari-fast").build();

  @Test
  void anAtariReplayIsOneFramePerSlotOffTheHeap() {
    ReplayMemoryCheck.Need need = ReplayMemoryCheck.need(atariFast, ATARI, true, 8);
    assertEquals(1_000_000L * 84 * 84, need.directBytes()); // 7.06 GB, as bench-replay measures
    assertEquals(9_000_000L, need.heapBytes());
  }

  @Test
  void aReplayBeyondTheJvmsDirectMemoryIsRefusedWithASizeThatFits() {
    ReplayMemoryCheck.Need need = ReplayMemoryCheck.need(atariFast, ATARI, true, 8);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ReplayMemoryCheck.require(
                    need, new ReplayMemoryCheck.Budget(4 * GB, 6 * GB, 20 * GB), atariFast));
    String m = e.getMessage();
    assertTrue(m.contains("bufferSize 1,000,000) needs 7.1 GB when full"), m);
    assertTrue(m.contains("this JVM may use 4.0 GB"), m);
    assertTrue(m.contains("--set bufferSize=510000"), m); // 90% of what fits, rounded down
    TrainConfig smaller = atariFast.with(TrainConfig.BUFFER_SIZE, 510_000);
    assertDoesNotThrow(
        () ->
            ReplayMemoryCheck.require(
                ReplayMemoryCheck.need(smaller, ATARI, true, 8),
                new ReplayMemoryCheck.Budget(4 * GB, 6 * GB, 20 * GB),
                smaller));
  }

  @Test
  void aReplayBeyondTheMachinesAvailableMemoryIsRefused() {
    ReplayMemoryCheck.Need need = ReplayMemoryCheck.need(atariFast, ATARI, true, 8);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ReplayMemoryCheck.require(
                    need, new ReplayMemoryCheck.Budget(19 * GB, 6 * GB, 5 * GB), atariFast));
    assertTrue(e.getMessage().contains("this machine has 5.0 GB available"), e.getMessage());
  }

  @Test
  void aVectorReplayIsCheckedAgainstTheHeap() {
    TrainConfig big = TrainConfig.defaults().with(TrainConfig.BUFFER_SIZE, 200_000_000);
    ReplayMemoryCheck.Need need = ReplayMemoryCheck.need(big, new long[] {4}, false, 16);
    assertEquals(200_000_000L * (2 * 4 * 4 + 12), need.heapBytes());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ReplayMemoryCheck.require(
                    need, new ReplayMemoryCheck.Budget(6 * GB, 6 * GB, 20 * GB), big));
    assertTrue(
        e.getMessage().contains("on the Java heap, which may grow to 6.0 GB"), e.getMessage());
    assertDoesNotThrow(
        () ->
            ReplayMemoryCheck.require(
                ReplayMemoryCheck.need(TrainConfig.defaults(), new long[] {4}, false, 16),
                new ReplayMemoryCheck.Budget(6 * GB, 6 * GB, 20 * GB),
                TrainConfig.defaults()));
  }
}
