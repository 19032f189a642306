package io.gymbridge.agent.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The frames-once replay against a naive reference: every step's full observation and next
 * observation, turned into n-step transitions by {@link NStepAccumulator} (tested on its own). Over
 * random episode streams (several envs, terminations, truncations, restarts, "reset" and "zero"
 * stack padding, rings that wrap many times) every sampled stack, action, n-step return, next stack
 * and discount must equal the reference transition byte for byte, and the sampleable set must be
 * exactly the reference transitions whose stack is still in the ring.
 *
 * <p>Frames are 8 bytes: a unique id (little-endian int) then 4 random bytes, so an observation's
 * newest frame names its step.
 */
class FrameReplayTest {
  private static final int FRAME = 8;

  /** A random multi-env episode stream fed to a FrameReplay and to the reference at once. */
  private static final class Stream {
    final FrameReplay replay;
    final int numEnvs;
    final int stack;
    final int perEnv;
    final boolean zeroPadding;
    final SplittableRandom rng;
    int nextId = 1;
    final byte[][] obs; // each env's current stack
    final long[] head; // frames each env has written (mirrors the replay's positions)
    final Map<Integer, Long> positionOfId = new HashMap<>();
    final Map<Integer, Integer> envOfId = new HashMap<>();

    /** Completed reference transitions by the id of their observation's newest frame. */
    final Map<Integer, NStepTransition> reference = new HashMap<>();

    final NStepAccumulator[] nSteps;

    Stream(int numEnvs, int stack, int capacity, int nStep, double gamma, double alpha, long seed) {
      this.numEnvs = numEnvs;
      this.stack = stack;
      this.perEnv = capacity / numEnvs;
      this.zeroPadding = seed % 2 == 0;
      this.rng = new SplittableRandom(seed);
      this.replay =
          new FrameReplay(capacity, numEnvs, stack, FRAME, nStep, gamma, alpha, 1e-6, seed);
      this.obs = new byte[numEnvs][];
      this.head = new long[numEnvs];
      this.nSteps = new NStepAccumulator[numEnvs];
      for (int e = 0; e < numEnvs; e++) {
        nSteps[e] = new NStepAccumulator(nStep, gamma, t -> reference.put(newestId(t.obs()), t));
        start(e);
      }
    }

    byte[] frame() {
      byte[] f = new byte[FRAME];
      ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putInt(0, nextId++);
      for (int i = 4; i < FRAME; i++) {
        f[i] = (byte) rng.nextInt(256);
      }
      return f;
    }

    void start(int e) {
      byte[] first = frame();
      byte[] s = new byte[stack * FRAME];
      for (int k = 0; k < stack; k++) {
        if (!zeroPadding || k == stack - 1) {
          System.arraycopy(first, 0, s, k * FRAME, FRAME);
        }
      }
      obs[e] = s;
      nSteps[e].clear();
      replay.startEpisode(e, s, 0);
      head[e] += stack;
      record(e, s);
    }

    void record(int e, byte[] s) {
      int id = newestId(toFloats(s));
      positionOfId.put(id, head[e] - 1);
      envOfId.put(id, e);
    }

    /** One step of every env; returns nothing, updates both buffers. */
    void stepAll(double endProbability) {
      for (int e = 0; e < numEnvs; e++) {
        if (rng.nextDouble() < 0.01) {
          start(e); // a reconnect restarted this env mid-episode
          continue;
        }
        byte[] next = new byte[stack * FRAME];
        System.arraycopy(obs[e], FRAME, next, 0, (stack - 1) * FRAME);
        System.arraycopy(frame(), 0, next, (stack - 1) * FRAME, FRAME);
        int action = rng.nextInt(6);
        float reward = (float) (rng.nextInt(5) - 2) / 2;
        boolean terminated = rng.nextDouble() < endProbability;
        boolean truncated = rng.nextDouble() < endProbability / 2;
        replay.step(e, action, reward, next, 0, terminated, truncated);
        head[e]++;
        record(e, next);
        nSteps[e].push(toFloats(obs[e]), action, reward, toFloats(next), terminated, truncated);
        obs[e] = next;
        if (terminated || truncated) {
          start(e);
        }
      }
    }

    /** The reference transitions whose observation's stack is still in its env's ring. */
    Map<Integer, NStepTransition> retained() {
      Map<Integer, NStepTransition> out = new HashMap<>();
      reference.forEach(
          (id, t) -> {
            int e = envOfId.get(id);
            long p = positionOfId.get(id);
            if (p - stack + 1 >= head[e] - perEnv) {
              out.put(id, t);
            }
          });
      return out;
    }
  }

  static float[] toFloats(byte[] b) {
    float[] f = new float[b.length];
    for (int i = 0; i < b.length; i++) {
      f[i] = b[i] & 0xFF;
    }
    return f;
  }

  static byte[] toBytes(float[] f) {
    byte[] b = new byte[f.length];
    for (int i = 0; i < f.length; i++) {
      b[i] = (byte) (int) f[i];
    }
    return b;
  }

  /** The id of a stack's newest frame. */
  static int newestId(float[] stack) {
    byte[] b = toBytes(stack);
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(b.length - FRAME);
  }

  private static void assertMatchesReference(Stream s, Batch batch) {
    int obsBytes = s.stack * FRAME;
    Map<Integer, NStepTransition> retained = s.retained();
    for (int i = 0; i < batch.size(); i++) {
      byte[] o = java.util.Arrays.copyOfRange(batch.obsBytes(), i * obsBytes, (i + 1) * obsBytes);
      int id = newestId(toFloats(o));
      NStepTransition t = retained.get(id);
      assertNotNull(t, "sampled a transition the reference does not hold (id " + id + ")");
      assertArrayEquals(toBytes(t.obs()), o, "stack of " + id);
      assertArrayEquals(
          toBytes(t.nextObs()),
          java.util.Arrays.copyOfRange(batch.nextObsBytes(), i * obsBytes, (i + 1) * obsBytes),
          "next stack of " + id);
      assertEquals(t.action(), batch.actions()[i], "action of " + id);
      assertEquals(t.reward(), batch.rewards()[i], 1e-5, "n-step return of " + id);
      assertEquals(t.discount(), batch.discounts()[i], 1e-6, "discount of " + id);
    }
  }

  @Property(tries = 40)
  void samplesEqualTheNaiveReference(
      @ForAll @IntRange(min = 1, max = 4) int numEnvs,
      @ForAll @IntRange(min = 1, max = 4) int stack,
      @ForAll @IntRange(min = 1, max = 5) int nStep,
      @ForAll @IntRange(min = 0, max = 3) int capacityKind,
      @ForAll @IntRange(min = 0, max = 1) int prioritized,
      @ForAll @IntRange(min = 0, max = 1_000_000) int seed) {
    int perEnv = new int[] {stack + nStep + 1, 13, 40, 200}[capacityKind];
    perEnv = Math.max(perEnv, stack + nStep + 1);
    Stream s = new Stream(numEnvs, stack, perEnv * numEnvs, nStep, 0.9, prioritized * 0.6, seed);
    for (int t = 0; t < 400; t++) {
      s.stepAll(0.08);
      if (t % 37 == 36) {
        assertEquals(s.retained().size(), s.replay.size(), "sampleable count at step " + t);
        if (prioritized == 1) {
          // The sum tree holds a positive priority exactly for the sampleable slots, and its
          // total is their sum.
          int positive = 0;
          double sum = 0;
          for (int i = 0; i < s.replay.capacity(); i++) {
            positive += s.replay.priority(i) > 0 ? 1 : 0;
            sum += s.replay.priority(i);
          }
          assertEquals(s.replay.size(), positive, "slots with a priority at step " + t);
          assertEquals(sum, s.replay.totalPriority(), 1e-9 * Math.max(1, sum));
        }
        if (s.replay.size() > 0) {
          Batch b = s.replay.sample(32);
          assertMatchesReference(s, b);
          if (prioritized == 1) {
            float[] errors = new float[b.size()];
            for (int i = 0; i < errors.length; i++) {
              errors[i] = (float) s.rng.nextDouble() * 3;
            }
            s.replay.updatePriorities(b.indices(), errors);
          }
        }
      }
    }
  }

  @Test
  void uniformSamplingCoversEveryRetainedTransitionEvenly() {
    Stream s = new Stream(3, 4, 3 * 30, 3, 0.99, 0, 7);
    for (int t = 0; t < 200; t++) {
      s.stepAll(0.05);
    }
    Map<Integer, NStepTransition> retained = s.retained();
    Map<Integer, Integer> counts = new HashMap<>();
    int draws = 0;
    for (int k = 0; k < 2000; k++) {
      Batch b = s.replay.sample(32);
      for (int i = 0; i < b.size(); i++) {
        byte[] o = java.util.Arrays.copyOfRange(b.obsBytes(), i * 4 * FRAME, (i + 1) * 4 * FRAME);
        counts.merge(newestId(toFloats(o)), 1, Integer::sum);
        draws++;
      }
    }
    assertEquals(retained.keySet(), counts.keySet());
    double mean = (double) draws / retained.size();
    for (int c : counts.values()) {
      assertTrue(Math.abs(c - mean) < 0.15 * mean, "count " + c + " vs mean " + mean);
    }
  }

  @Test
  void prioritizedSamplingFollowsPrioritiesAndWeightsAreAtMostOne() {
    Stream s = new Stream(2, 4, 2 * 40, 1, 0.99, 1.0, 11);
    for (int t = 0; t < 100; t++) {
      s.stepAll(0.05);
    }
    Batch first = s.replay.sample(32);
    int favourite = first.indices()[0];
    float[] errors = new float[first.size()];
    java.util.Arrays.fill(errors, 0.001f);
    errors[0] = 1000f; // later duplicates of the slot in this batch would overwrite; keep unique
    List<Integer> seen = new ArrayList<>();
    for (int i = 0; i < first.size(); i++) {
      if (first.indices()[i] == favourite && i > 0) {
        errors[i] = 1000f;
      }
    }
    s.replay.updatePriorities(first.indices(), errors);
    int hits = 0;
    int draws = 0;
    for (int k = 0; k < 200; k++) {
      s.replay.setBeta(0.5);
      Batch b = s.replay.sample(32);
      float max = 0;
      for (int i = 0; i < b.size(); i++) {
        assertTrue(b.weights()[i] > 0 && b.weights()[i] <= 1f);
        max = Math.max(max, b.weights()[i]);
        hits += b.indices()[i] == favourite ? 1 : 0;
        draws++;
        seen.add(b.indices()[i]);
      }
      assertEquals(1f, max, 1e-6f);
    }
    double share = s.replay.priority(favourite) / totalPriority(s.replay);
    assertTrue(share > 0.5, "the favourite holds most of the priority mass: " + share);
    assertEquals(share, (double) hits / draws, 0.1);
    assertTrue(new HashSet<>(seen).size() > 1, "other slots are still sampled");
  }

  private static double totalPriority(FrameReplay r) {
    double sum = 0;
    for (int i = 0; i < r.capacity(); i++) {
      sum += r.priority(i);
    }
    return sum;
  }

  @Test
  void aCheckpointRestoresContentsPrioritiesAndTheSamplingStream() throws IOException {
    for (double alpha : new double[] {0, 0.6}) {
      Stream s = new Stream(2, 4, 2 * 50, 3, 0.99, alpha, 5);
      for (int t = 0; t < 120; t++) {
        s.stepAll(0.05);
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      s.replay.writeTo(new DataOutputStream(bytes));
      Replay copy =
          Replay.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
      assertEquals(s.replay.size(), copy.size());
      for (int k = 0; k < 5; k++) {
        Batch a = s.replay.sample(16);
        Batch b = copy.sample(16);
        assertArrayEquals(a.indices(), b.indices());
        assertArrayEquals(a.obsBytes(), b.obsBytes());
        assertArrayEquals(a.nextObsBytes(), b.nextObsBytes());
        assertArrayEquals(a.rewards(), b.rewards());
        assertArrayEquals(a.weights(), b.weights());
      }
      // The restored replay goes on taking steps where the original left off.
      byte[] next = new byte[4 * FRAME];
      System.arraycopy(s.obs[0], FRAME, next, 0, 3 * FRAME);
      ((FrameReplay) copy).step(0, 1, 1f, next, 0, false, false);
    }
  }

  @Test
  void anObservationThatIsNotTheShiftedStackIsRefusedWithAClearMessage() {
    FrameReplay r = new FrameReplay(100, 1, 4, FRAME, 1, 0.99, 0, 1e-6, 1);
    byte[] first = new byte[4 * FRAME];
    first[0] = 1;
    r.startEpisode(0, first, 0);
    byte[] unrelated = new byte[4 * FRAME];
    java.util.Arrays.fill(unrelated, (byte) 9);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> r.step(0, 0, 0f, unrelated, 0, false, false));
    assertTrue(e.getMessage().contains("shifted by one frame"), e.getMessage());
  }

  @Test
  void aStepWithoutAnOpenEpisodeAndTooSmallARingAreRefused() {
    FrameReplay r = new FrameReplay(100, 1, 4, FRAME, 1, 0.99, 0, 1e-6, 1);
    assertThrows(
        IllegalStateException.class, () -> r.step(0, 0, 0f, new byte[4 * FRAME], 0, false, false));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new FrameReplay(10, 2, 4, FRAME, 3, 0.99, 0, 1e-6, 1));
    assertTrue(e.getMessage().contains("raise the buffer size"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> r.sample(4));
  }

  @Test
  void aRingOfNFramesHoldsAboutNTransitionsInFrameBytes() {
    // 84x84 frames, stack 4: each step costs one 7,056-byte frame, not 2 x 4 of them, so 1,000
    // frame slots hold 996 transitions of a long episode (the oldest three frames only serve as
    // the oldest stack's history, and the newest observation has no action yet).
    FrameReplay r = new FrameReplay(1000, 1, 4, 84 * 84, 1, 0.99, 0, 1e-6, 1);
    byte[] s = new byte[4 * 84 * 84];
    r.startEpisode(0, s, 0);
    for (int t = 0; t < 2000; t++) {
      r.step(0, 0, 0f, s, 0, false, false);
    }
    assertEquals(996, r.size());
    assertEquals(1000L * 84 * 84, r.frameBytesAllocated());
  }
}
