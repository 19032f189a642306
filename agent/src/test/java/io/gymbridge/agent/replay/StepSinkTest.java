package io.gymbridge.agent.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gymbridge.client.StepBatch;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The sink each replay makes stores a trainer's steps its own way, also after a checkpoint. */
class StepSinkTest {

  /** Two envs of 1-float observations; env e's observation is {@code obs[e]}. */
  private static StepBatch floats(float obs0, float obs1) {
    return new StepBatch(
        new float[] {obs0, obs1},
        null,
        new double[2],
        new boolean[2],
        new boolean[2],
        new boolean[2],
        new double[] {Double.NaN, Double.NaN},
        new long[2]);
  }

  /** Two envs of 2-frame stacks of 1 byte each, oldest first. */
  private static StepBatch frames(byte[] env0, byte[] env1) {
    byte[] both = new byte[4];
    System.arraycopy(env0, 0, both, 0, 2);
    System.arraycopy(env1, 0, both, 2, 2);
    return new StepBatch(
        null,
        both,
        new double[2],
        new boolean[2],
        new boolean[2],
        new boolean[2],
        new double[] {Double.NaN, Double.NaN},
        new long[2]);
  }

  private static Replay roundTrip(Replay replay) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    replay.writeTo(new DataOutputStream(bytes));
    return Replay.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
  }

  /** "obs -> nextObs: reward" for every sampled transition of a float replay. */
  private static Set<String> transitions(Replay replay) {
    Set<String> seen = new HashSet<>();
    for (int k = 0; k < 50; k++) {
      Batch b = replay.sample(8);
      for (int i = 0; i < b.size(); i++) {
        seen.add(b.obs()[i] + " -> " + b.nextObs()[i] + ": " + b.rewards()[i]);
      }
    }
    return seen;
  }

  @Test
  void aVectorReplaysSinkKeepsNStepTransitionsPerEnv() throws IOException {
    Replay replay = new UniformReplay(16, 1, 3);
    StepSink sink = replay.sink(2, 2, 0.5);
    StepBatch s0 = floats(10, 20);
    StepBatch s1 = floats(11, 21);
    sink.episodeStart(0, s0);
    sink.episodeStart(1, s0);
    sink.step(0, 0, 1f, s0, s1, false, false);
    sink.step(1, 0, 4f, s0, s1, false, false);
    assertEquals(0, replay.size(), "a 2-step transition waits for its second step");

    // Restored from a checkpoint, the replay makes the same kind of sink; the pending steps of an
    // interrupted episode are the sink's and start over, as after any reconnect.
    replay = roundTrip(replay);
    sink = replay.sink(2, 2, 0.5);
    StepBatch s2 = floats(12, 22);
    sink.episodeStart(0, s1);
    sink.episodeStart(1, s1);
    sink.step(0, 0, 2f, s1, s2, false, true);
    sink.step(1, 0, 8f, s1, s2, true, false);
    // Each env's own episode: no transition joins env 0's steps to env 1's.
    assertEquals(Set.of("11.0 -> 12.0: 2.0", "21.0 -> 22.0: 8.0"), transitions(replay));
  }

  @Test
  void aFrameReplaysSinkStoresEachEnvsFramesInItsOwnRing() throws IOException {
    Replay replay = new FrameReplay(16, 2, 2, 1, 2, 0.5, 0, 1e-6, 3);
    StepSink sink = replay.sink(2, 2, 0.5);
    sink.episodeStart(0, frames(new byte[] {1, 1}, new byte[] {7, 7}));
    sink.episodeStart(1, frames(new byte[] {1, 1}, new byte[] {7, 7}));
    StepBatch first = frames(new byte[] {1, 1}, new byte[] {7, 7});
    StepBatch next = frames(new byte[] {1, 2}, new byte[] {7, 8});
    sink.step(0, 0, 1f, first, next, false, false);
    sink.step(1, 0, 1f, first, next, false, false);

    replay = roundTrip(replay);
    assertInstanceOf(FrameReplay.class, replay);
    sink = replay.sink(2, 2, 0.5);
    StepBatch last = frames(new byte[] {2, 3}, new byte[] {8, 9});
    sink.step(0, 0, 2f, next, last, true, false);
    sink.step(1, 0, 2f, next, last, true, false);

    Set<String> seen = new HashSet<>();
    for (int k = 0; k < 50; k++) {
      Batch b = replay.sample(4);
      for (int i = 0; i < b.size(); i++) {
        byte[] obs = Arrays.copyOfRange(b.obsBytes(), 2 * i, 2 * i + 2);
        byte[] nextObs = Arrays.copyOfRange(b.nextObsBytes(), 2 * i, 2 * i + 2);
        seen.add(Arrays.toString(obs) + " -> " + Arrays.toString(nextObs) + ": " + b.rewards()[i]);
      }
    }
    // The episode went on across the checkpoint: its first transition is a full 2-step return.
    assertEquals(
        Set.of(
            "[1, 1] -> [2, 3]: 2.0",
            "[1, 2] -> [2, 3]: 2.0",
            "[7, 7] -> [8, 9]: 2.0",
            "[7, 8] -> [8, 9]: 2.0"),
        seen);
  }

  @Test
  void aFrameReplayRefusesASinkForOtherEnvsOrReturns() {
    FrameReplay replay = new FrameReplay(16, 2, 2, 1, 3, 0.99, 0, 1e-6, 3);
    for (Runnable wrong :
        new Runnable[] {
          () -> replay.sink(4, 3, 0.99), () -> replay.sink(2, 1, 0.99), () -> replay.sink(2, 3, 0.9)
        }) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, wrong::run);
      assertTrue(
          e.getMessage().contains("holds 2 envs and 3-step returns at gamma 0.99"), e.getMessage());
    }
  }
}
