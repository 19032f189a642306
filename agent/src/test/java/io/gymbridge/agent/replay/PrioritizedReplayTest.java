package io.gymbridge.agent.replay;

import static io.gymbridge.agent.replay.Transitions.OBS_SIZE;
import static io.gymbridge.agent.replay.Transitions.idOfRow;
import static io.gymbridge.agent.replay.Transitions.withId;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class PrioritizedReplayTest {
  /**
   * Four transitions with priorities exactly 1, 2, 3, 4: alpha = 1 and epsilon = 0.5 turn the TD
   * errors 0.5, 1.5, 2.5, 3.5 (all exact in binary) into p = |delta| + 0.5.
   */
  private static PrioritizedReplay priorities1234(double beta) {
    PrioritizedReplay r = new PrioritizedReplay(4, OBS_SIZE, 1.0, beta, 0.5, 7);
    for (int i = 0; i < 4; i++) {
      r.add(withId(i));
    }
    r.updatePriorities(new int[] {0, 1, 2, 3}, new float[] {0.5f, 1.5f, -2.5f, 3.5f});
    return r;
  }

  @Test
  void weightsOfTheHandWorkedExampleAreNormalizedByTheBatchMax() {
    // Priorities 1, 2, 3, 4, alpha = 1: P = 0.1, 0.2, 0.3, 0.4 and N = 4, so N*P = 0.4, 0.8, 1.2,
    // 1.6. With beta = 0.5, w = (N*P)^-0.5 = 1.58114, 1.11803, 0.91287, 0.79057. The batch holds
    // slot 0 (see below), so the max is 1.58114 and the normalized weights are
    // 1, 1/sqrt(2) = 0.70711, 1/sqrt(3) = 0.57735, 1/2.
    PrioritizedReplay r = priorities1234(0.5);
    Batch b = r.sample(80);
    double[] expected = {1, 1 / Math.sqrt(2), 1 / Math.sqrt(3), 0.5};
    for (int row = 0; row < b.size(); row++) {
      assertEquals(expected[b.indices()[row]], b.weights()[row], 1e-6);
    }
  }

  @Test
  void stratifiedSamplingGivesEachSlotItsExactShareOfSegments() {
    // Total 10 cut into 80 segments of 0.125 (exact in binary). Slot 0 owns [0, 1): 8 segments;
    // slot 1 [1, 3): 16; slot 2 [3, 6): 24; slot 3 [6, 10): 32, whatever the uniform draws.
    PrioritizedReplay r = priorities1234(0.5);
    long[] counts = new long[4];
    Batch b = r.sample(80);
    for (int row = 0; row < b.size(); row++) {
      counts[idOfRow(b, row)]++;
    }
    assertArrayEquals(new long[] {8, 16, 24, 32}, counts);
  }

  @Test
  void singleDrawsAreProportionalToPriority() {
    PrioritizedReplay r = priorities1234(0.5);
    long[] counts = new long[4];
    for (int k = 0; k < 100_000; k++) {
      counts[idOfRow(r.sample(1), 0)]++;
    }
    // Chi-square critical value for 3 degrees of freedom at p = 0.001.
    assertTrue(
        Transitions.chiSquare(counts, new double[] {0.1, 0.2, 0.3, 0.4}) < 16.27,
        Arrays.toString(counts));
  }

  @Test
  void weightsAreNormalizedByTheMaxInTheBatchNotInTheBuffer() {
    // The same example without slot 0 in the batch: w = 0.8^-0.5, 1.6^-0.5 = 1.11803, 0.79057,
    // normalized by 1.11803 (not by slot 0's 1.58114): 1 and 0.70711.
    float[] w = ProportionalSampler.importanceWeights(new double[] {0.2, 0.4}, 4, 0.5);
    assertArrayEquals(new float[] {1f, (float) (1 / Math.sqrt(2))}, w, 1e-6f);
  }

  @Test
  void betaZeroGivesUnitWeightsAndBetaOneFullCorrection() {
    PrioritizedReplay r = priorities1234(0.0);
    Batch b0 = r.sample(80);
    for (float w : b0.weights()) {
      assertEquals(1f, w);
    }
    r.setBeta(1.0); // w_i = p_min / p_i = 1, 1/2, 1/3, 1/4
    Batch b1 = r.sample(80);
    for (int row = 0; row < b1.size(); row++) {
      assertEquals(1.0 / (b1.indices()[row] + 1), b1.weights()[row], 1e-6);
    }
  }

  @Test
  void tdErrorsBecomePrioritiesWithAlpha06() {
    PrioritizedReplay r = new PrioritizedReplay(3, OBS_SIZE, 0.6, 0.4, 1e-6, 1);
    for (int i = 0; i < 3; i++) {
      r.add(withId(i));
    }
    r.updatePriorities(new int[] {0, 1, 2}, new float[] {-2f, 0f, 0.5f});
    // (|delta| + 1e-6)^0.6:
    // (2.000001)^0.6 = 2^0.6 * (1 + 0.6 * 5e-7) = exp(0.6 ln 2) = 1.5157166 * 1.0000003 = 1.5157170
    // (1e-6)^0.6 = 10^-3.6 = 2.5118864e-4 (epsilon keeps a zero error sampleable)
    // (0.500001)^0.6 = 0.5^0.6 * (1 + 0.6 * 2e-6) = 0.6597540 * 1.0000012 = 0.6597548
    assertEquals(1.5157170, r.priority(0), 1e-7);
    assertEquals(2.5118864e-4, r.priority(1), 1e-11);
    assertEquals(0.6597548, r.priority(2), 1e-7);
  }

  @Test
  void newTransitionsGetTheMaxPrioritySeenSoOneAtFirst() {
    PrioritizedReplay r = new PrioritizedReplay(4, OBS_SIZE, 0.6, 0.4, 1);
    r.add(withId(0));
    assertEquals(1.0, r.priority(0), 0.0);
    r.updatePriorities(new int[] {0}, new float[] {3f}); // (3 + 1e-6)^0.6 = 1.9331824
    r.add(withId(1));
    assertEquals(1.9331824, r.priority(1), 1e-7);
    r.updatePriorities(new int[] {0, 1}, new float[] {0.1f, 0.1f}); // the max is still 1.933...
    r.add(withId(2));
    assertEquals(1.9331824, r.priority(2), 1e-7);
  }

  @Test
  void smallTdErrorsNeverLowerTheNewTransitionPriorityBelowOne() {
    PrioritizedReplay r = new PrioritizedReplay(4, OBS_SIZE, 0.6, 0.4, 1);
    r.add(withId(0));
    r.updatePriorities(new int[] {0}, new float[] {0.01f});
    r.add(withId(1));
    assertEquals(1.0, r.priority(1), 0.0);
  }

  @Test
  void afterWrapAroundTheOldestTwoAreGoneAndNeverSampled() {
    PrioritizedReplay r = new PrioritizedReplay(3, OBS_SIZE, 0.6, 0.4, 1);
    for (int i = 0; i < 5; i++) {
      r.add(withId(i));
    }
    assertEquals(3, r.size());
    Set<Integer> seen = new TreeSet<>();
    Batch b = r.sample(1000);
    for (int row = 0; row < b.size(); row++) {
      seen.add(idOfRow(b, row));
    }
    assertEquals(Set.of(2, 3, 4), seen);
  }

  @Test
  void anOverwrittenSlotTakesTheMaxPriorityNotItsOldOne() {
    PrioritizedReplay r = new PrioritizedReplay(2, OBS_SIZE, 1.0, 0.4, 0.5, 1);
    r.add(withId(0));
    r.add(withId(1));
    r.updatePriorities(new int[] {0, 1}, new float[] {0.5f, 2.5f}); // priorities 1 and 3
    r.add(withId(2)); // overwrites slot 0
    assertEquals(3.0, r.priority(0), 0.0);
    Batch b = r.sample(100); // total 3 + 3: half each
    long slot0 = Arrays.stream(b.indices()).filter(i -> i == 0).count();
    assertEquals(50, slot0);
  }

  @Test
  void samplesOnlyTheFilledSlotsOfAPartlyFilledBuffer() {
    PrioritizedReplay r = new PrioritizedReplay(100, OBS_SIZE, 0.6, 0.4, 1);
    r.add(withId(0));
    r.add(withId(1));
    Batch b = r.sample(500);
    for (int row = 0; row < b.size(); row++) {
      assertTrue(b.indices()[row] < 2);
      assertEquals(b.indices()[row], idOfRow(b, row));
    }
  }

  @Test
  void aCheckpointResumesToIdenticalLaterSamplesAndPriorities() throws IOException {
    PrioritizedReplay original = new PrioritizedReplay(5, OBS_SIZE, 0.6, 0.4, 99);
    SplitMix64 errors = new SplitMix64(3);
    for (int i = 0; i < 8; i++) { // wrapped
      original.add(withId(i));
      Batch b = original.sample(4);
      float[] td = new float[4];
      for (int k = 0; k < 4; k++) {
        td[k] = (float) (errors.nextDouble() * 4 - 2);
      }
      original.updatePriorities(b.indices(), td);
    }
    original.setBeta(0.7);

    Replay restored = Replay.readFrom(Transitions.in(Transitions.checkpoint(original)));

    PrioritizedReplay resumed = assertInstanceOf(PrioritizedReplay.class, restored);
    assertEquals(0.7, resumed.beta(), 0.0);
    assertEquals(original.maxPriority(), resumed.maxPriority(), 0.0);
    for (int i = 0; i < 5; i++) {
      assertEquals(original.priority(i), resumed.priority(i), 0.0);
    }
    for (int k = 0; k < 5; k++) {
      Batch a = original.sample(16);
      Batch b = resumed.sample(16);
      UniformReplayTest.assertBatchesEqual(a, b);
      float[] td = new float[16];
      Arrays.fill(td, k + 0.25f);
      original.updatePriorities(a.indices(), td);
      resumed.updatePriorities(b.indices(), td);
      original.add(withId(100 + k));
      resumed.add(withId(100 + k));
    }
    UniformReplayTest.assertBatchesEqual(original.sample(64), resumed.sample(64));
  }

  @Test
  void aUniformCheckpointIsNotReadAsPrioritized() throws IOException {
    byte[] bytes = Transitions.checkpoint(new UniformReplay(3, OBS_SIZE, 1));
    assertThrows(IOException.class, () -> PrioritizedReplay.readFrom(Transitions.in(bytes)));
  }

  @Test
  void updatePrioritiesRejectsNonFiniteErrorsAndEmptySlots() {
    PrioritizedReplay r = new PrioritizedReplay(4, OBS_SIZE, 0.6, 0.4, 1);
    r.add(withId(0));
    assertThrows(
        IllegalArgumentException.class,
        () -> r.updatePriorities(new int[] {0}, new float[] {Float.NaN}));
    assertThrows(
        IndexOutOfBoundsException.class, () -> r.updatePriorities(new int[] {1}, new float[] {1f}));
    assertEquals(1.0, r.priority(0), 0.0); // nothing was applied
  }

  @Test
  void rejectsBetaOutsideTheUnitIntervalAndNonPositiveEpsilon() {
    PrioritizedReplay r = new PrioritizedReplay(4, OBS_SIZE, 0.6, 0.4, 1);
    assertThrows(IllegalArgumentException.class, () -> r.setBeta(1.5));
    assertThrows(
        IllegalArgumentException.class, () -> new PrioritizedReplay(4, OBS_SIZE, 0.6, 0.4, 0, 1));
  }
}
