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

class UniformReplayTest {
  @Test
  void sizeGrowsWithEachAddUntilCapacityThenStays() {
    UniformReplay r = new UniformReplay(3, OBS_SIZE, 1);
    assertEquals(0, r.size());
    for (int i = 0; i < 5; i++) {
      r.add(withId(i));
      assertEquals(Math.min(i + 1, 3), r.size());
    }
    assertEquals(3, r.capacity());
  }

  @Test
  void afterWrapAroundTheOldestTwoAreGoneAndNeverSampled() {
    UniformReplay r = new UniformReplay(3, OBS_SIZE, 1);
    for (int i = 0; i < 5; i++) {
      r.add(withId(i));
    }
    // Slots after 5 adds into capacity 3: slot 0 = id 3, slot 1 = id 4, slot 2 = id 2.
    Set<Integer> seen = new TreeSet<>();
    Batch b = r.sample(1000);
    for (int row = 0; row < b.size(); row++) {
      int id = idOfRow(b, row);
      seen.add(id);
      assertEquals(new int[] {3, 4, 2}[b.indices()[row]], id, "slot " + b.indices()[row]);
    }
    assertEquals(Set.of(2, 3, 4), seen);
  }

  @Test
  void samplingCoversAllSlotsUniformly() {
    int capacity = 10;
    UniformReplay r = new UniformReplay(capacity, OBS_SIZE, 42);
    for (int i = 0; i < capacity; i++) {
      r.add(withId(i));
    }
    long[] counts = new long[capacity];
    for (int k = 0; k < 100; k++) {
      Batch b = r.sample(100);
      for (int row = 0; row < b.size(); row++) {
        counts[idOfRow(b, row)]++;
      }
    }
    double[] probs = new double[capacity];
    Arrays.fill(probs, 1.0 / capacity);
    for (long c : counts) {
      assertTrue(c > 0);
    }
    // Chi-square critical value for 9 degrees of freedom at p = 0.001.
    assertTrue(Transitions.chiSquare(counts, probs) < 27.88, Arrays.toString(counts));
  }

  @Test
  void samplesOnlyTheFilledSlotsOfAPartlyFilledBuffer() {
    UniformReplay r = new UniformReplay(100, OBS_SIZE, 1);
    r.add(withId(0));
    r.add(withId(1));
    Batch b = r.sample(500);
    for (int row = 0; row < b.size(); row++) {
      assertTrue(b.indices()[row] < 2);
      assertEquals(b.indices()[row], idOfRow(b, row));
    }
  }

  @Test
  void batchHasTheRequestedShapeAndAllWeightsOne() {
    UniformReplay r = new UniformReplay(4, OBS_SIZE, 1);
    r.add(withId(0));
    Batch b = r.sample(8);
    assertEquals(8, b.size());
    assertEquals(OBS_SIZE, b.obsSize());
    assertEquals(8 * OBS_SIZE, b.obs().length);
    assertEquals(8 * OBS_SIZE, b.nextObs().length);
    float[] ones = new float[8];
    Arrays.fill(ones, 1f);
    assertArrayEquals(ones, b.weights());
  }

  @Test
  void theBufferKeepsItsOwnCopyOfTheObservations() {
    UniformReplay r = new UniformReplay(1, OBS_SIZE, 1);
    NStepTransition t = withId(5);
    r.add(t);
    t.obs()[0] = 99f;
    assertEquals(5, idOfRow(r.sample(1), 0));
  }

  @Test
  void equalSeedsSampleEqualIndices() {
    UniformReplay a = new UniformReplay(10, OBS_SIZE, 9);
    UniformReplay b = new UniformReplay(10, OBS_SIZE, 9);
    for (int i = 0; i < 10; i++) {
      a.add(withId(i));
      b.add(withId(i));
    }
    assertArrayEquals(a.sample(64).indices(), b.sample(64).indices());
  }

  @Test
  void samplingAnEmptyReplayFails() {
    assertThrows(IllegalStateException.class, () -> new UniformReplay(3, OBS_SIZE, 1).sample(1));
  }

  @Test
  void addRejectsAnObservationOfTheWrongSize() {
    UniformReplay r = new UniformReplay(3, OBS_SIZE, 1);
    NStepTransition t = new NStepTransition(new float[3], 0, 0f, new float[OBS_SIZE], 0.99f);
    assertThrows(IllegalArgumentException.class, () -> r.add(t));
  }

  @Test
  void constructorRejectsAnObsArrayOverJavasLimit() {
    assertThrows(IllegalArgumentException.class, () -> new UniformReplay(1 << 20, 1 << 12, 1));
  }

  @Test
  void aCheckpointResumesToIdenticalLaterSamplesAndWrites() throws IOException {
    UniformReplay original = new UniformReplay(5, OBS_SIZE, 123);
    for (int i = 0; i < 7; i++) { // wrapped: the cursor is at slot 2
      original.add(withId(i));
    }
    original.sample(10); // move the RNG off its seed

    Replay restored = Replay.readFrom(Transitions.in(Transitions.checkpoint(original)));

    UniformReplay resumed = assertInstanceOf(UniformReplay.class, restored);
    assertEquals(original.size(), resumed.size());
    assertEquals(original.capacity(), resumed.capacity());
    for (int k = 0; k < 5; k++) {
      assertBatchesEqual(original.sample(32), resumed.sample(32));
    }
    // Both overwrite the same slot next (the cursor was saved).
    original.add(withId(100));
    resumed.add(withId(100));
    assertBatchesEqual(original.sample(64), resumed.sample(64));
  }

  @Test
  void aCheckpointOfAPartlyFilledReplayResumes() throws IOException {
    UniformReplay original = new UniformReplay(8, OBS_SIZE, 5);
    for (int i = 0; i < 3; i++) {
      original.add(withId(i));
    }
    UniformReplay resumed =
        UniformReplay.readFrom(Transitions.in(Transitions.checkpoint(original)));
    assertEquals(3, resumed.size());
    original.add(withId(3));
    resumed.add(withId(3));
    assertBatchesEqual(original.sample(64), resumed.sample(64));
  }

  @Test
  void readingSomethingElseThanACheckpointFailsWithIoException() {
    byte[] garbage = "hello, not a replay".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThrows(IOException.class, () -> Replay.readFrom(Transitions.in(garbage)));
  }

  static void assertBatchesEqual(Batch expected, Batch actual) {
    assertEquals(expected.size(), actual.size());
    assertArrayEquals(expected.indices(), actual.indices());
    assertArrayEquals(expected.obs(), actual.obs());
    assertArrayEquals(expected.actions(), actual.actions());
    assertArrayEquals(expected.rewards(), actual.rewards());
    assertArrayEquals(expected.nextObs(), actual.nextObs());
    assertArrayEquals(expected.discounts(), actual.discounts());
    assertArrayEquals(expected.weights(), actual.weights());
  }
}
