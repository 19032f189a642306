package io.gymbridge.agent.dqn;

import static io.gymbridge.agent.train.TrainConfig.DOUBLE_DQN;
import static io.gymbridge.agent.train.TrainConfig.DUELING;
import static io.gymbridge.agent.train.TrainConfig.FORK_TARGET;
import static io.gymbridge.agent.train.TrainConfig.HIDDEN_SIZES;
import static io.gymbridge.agent.train.TrainConfig.HUBER_LOSS;
import static io.gymbridge.agent.train.TrainConfig.LEARNING_RATE;
import static io.gymbridge.agent.train.TrainConfig.MAX_GRAD_NORM;
import static io.gymbridge.agent.train.TrainConfig.TARGET_UPDATE_INTERVAL;
import static io.gymbridge.agent.train.TrainConfig.TAU;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.gymbridge.agent.replay.Batch;
import io.gymbridge.agent.train.TrainConfig;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class DqnLearnerTest {
  private static final LearnerConfig SMALL = small(b -> b);

  /** CleanRL's learner (see {@link Learners}) with 16-16 hidden units, Adam 1e-2 and changes. */
  private static LearnerConfig small(UnaryOperator<TrainConfig.Builder> changes) {
    return Learners.mlp(
        b -> changes.apply(b.set(HIDDEN_SIZES, List.of(16, 16)).set(LEARNING_RATE, 1e-2)));
  }

  /**
   * obsSize 1, two actions, no hidden layer, so Q(s) = W s + b by hand. Online: Q(s) = [s, -s];
   * target: Q(s) = [1, 5]. At s' = 1 the online argmax is action 0, the target's is action 1.
   */
  private static DqnLearner handSet(UnaryOperator<TrainConfig.Builder> changes) {
    DqnLearner l =
        new DqnLearner(
            Learners.mlp(
                b ->
                    Learners.hardTargetUpdate(changes.apply(b).set(HIDDEN_SIZES, List.of()), 1000)),
            1,
            2,
            Device.cpu());
    l.online().setLinear(0, new float[] {1, -1}, new float[] {0, 0});
    l.target().setLinear(0, new float[] {0, 0}, new float[] {1, 5});
    return l;
  }

  /** s = 2 for both; (a 1, r 0.5, discount 0.9) and a terminal (a 0, r 1). Q(s) = [2, -2]. */
  private static final Batch HAND_BATCH =
      new Batch(
          2,
          1,
          new float[] {2, 2},
          new int[] {1, 0},
          new float[] {0.5f, 1},
          new float[] {1, 1},
          new float[] {0.9f, 0},
          new float[] {1, 1},
          new int[] {0, 1});

  @Test
  void vanillaTargetTakesTheTargetNetworksMax() {
    try (DqnLearner l = handSet(b -> b.set(DOUBLE_DQN, false))) {
      TrainResult r = l.train(HAND_BATCH);
      // q = [-2, 2]; targets [0.5 + 0.9 * 5, 1] = [5, 1]
      assertArrayEquals(new float[] {-7, 1}, r.tdErrors(), 1e-6f);
      assertEquals((49 + 1) / 2f, r.loss(), 1e-5f);
      assertEquals(0, r.meanQ(), 0f);
    }
  }

  @Test
  void doubleDqnTargetValuesTheOnlineArgmaxWithTheTargetNetwork() {
    try (DqnLearner l = handSet(b -> b.set(DOUBLE_DQN, true))) {
      TrainResult r = l.train(HAND_BATCH);
      // online argmax at s' = 1 is action 0, worth 1 to the target: [0.5 + 0.9 * 1, 1] = [1.4, 1]
      assertArrayEquals(new float[] {-3.4f, 1}, r.tdErrors(), 1e-6f);
    }
  }

  @Test
  void importanceWeightsScaleEachSamplesLoss() {
    Batch weighted = Batches.withWeights(HAND_BATCH, new float[] {2, 0.5f});
    try (DqnLearner l = handSet(b -> b)) {
      assertEquals((2 * 49 + 0.5f * 1) / 2, l.train(weighted).loss(), 1e-5f);
    }
    try (DqnLearner l = handSet(b -> b.set(HUBER_LOSS, true))) {
      // Huber(-7) = 6.5, Huber(1) = 0.5
      assertEquals((2 * 6.5f + 0.5f * 0.5f) / 2, l.train(weighted).loss(), 1e-6f);
    }
    try (DqnLearner l = handSet(b -> b)) {
      Batch onlyFirst = Batches.withWeights(HAND_BATCH, new float[] {1, 0});
      assertEquals(49 / 2f, l.train(onlyFirst).loss(), 1e-5f);
    }
  }

  @Test
  void hardUpdateCopiesExactlyEveryNStepsAndNotBefore() {
    SplittableRandom rng = new SplittableRandom(1);
    try (DqnLearner l =
        new DqnLearner(small(b -> Learners.hardTargetUpdate(b, 3)), 4, 2, Device.cpu())) {
      float[][] initial = QNetworkTest.values(l.target());
      for (int step = 1; step <= 2; step++) {
        l.train(Batches.random(rng, 32, 4, 2, 0.99f));
        assertBitEqual(initial, QNetworkTest.values(l.target()));
        assertFalse(Arrays.equals(initial[0], QNetworkTest.values(l.online())[0]));
      }
      l.train(Batches.random(rng, 32, 4, 2, 0.99f));
      float[][] atStep3 = QNetworkTest.values(l.online());
      assertBitEqual(atStep3, QNetworkTest.values(l.target()));
      l.train(Batches.random(rng, 32, 4, 2, 0.99f));
      assertBitEqual(atStep3, QNetworkTest.values(l.target()));
      assertEquals(4, l.trainSteps());
    }
  }

  @Test
  void softUpdateWithTauHalfAveragesOnlineAndTarget() {
    SplittableRandom rng = new SplittableRandom(2);
    try (DqnLearner l =
        new DqnLearner(
            small(b -> b.set(TARGET_UPDATE_INTERVAL, 1).set(TAU, 0.5)), 4, 2, Device.cpu())) {
      l.train(Batches.random(rng, 32, 4, 2, 0.99f));
      float[][] before = QNetworkTest.values(l.target());
      l.train(Batches.random(rng, 32, 4, 2, 0.99f));
      float[][] online = QNetworkTest.values(l.online());
      float[][] after = QNetworkTest.values(l.target());
      for (int i = 0; i < before.length; i++) {
        for (int j = 0; j < before[i].length; j++) {
          assertEquals(0.5f * online[i][j] + 0.5f * before[i][j], after[i][j], 0f);
        }
      }
    }
  }

  @Test
  void theOpByOpAndTheOneCallRoutesTakeTheSameSteps() {
    UnaryOperator<TrainConfig.Builder> change =
        b ->
            b.set(DUELING, true)
                .set(HUBER_LOSS, true)
                .set(DOUBLE_DQN, true)
                .set(MAX_GRAD_NORM, 1.0);
    LearnerConfig c = small(change);
    SplittableRandom rng = new SplittableRandom(9);
    try (DqnLearner opByOp = new DqnLearner(c, 4, 2, Device.cpu());
        DqnLearner oneCall =
            new DqnLearner(
                small(b -> change.apply(b).set(FORK_TARGET, true)), 4, 2, Device.cpu())) {
      for (int step = 0; step < 5; step++) {
        Batch b = Batches.random(rng, 32, 4, 2, 0.99f);
        TrainResult x = opByOp.train(b);
        TrainResult y = oneCall.train(b);
        assertEquals(x.loss(), y.loss(), 1e-5f * Math.abs(x.loss()), "loss at step " + step);
        assertArrayEquals(x.tdErrors(), y.tdErrors(), 1e-5f, "TD errors at step " + step);
      }
      float[][] a = QNetworkTest.values(opByOp.online());
      float[][] b = QNetworkTest.values(oneCall.online());
      for (int i = 0; i < a.length; i++) {
        assertArrayEquals(a[i], b[i], 1e-6f, "parameter " + i);
      }
    }
  }

  @Test
  void fittingAFixedBatchDrivesTheLossDown() {
    Batch batch = Batches.random(new SplittableRandom(4), 32, 4, 2, 0f);
    for (LearnerConfig c :
        List.of(
            SMALL,
            small(b -> b.set(DUELING, true).set(HUBER_LOSS, true).set(MAX_GRAD_NORM, 1.0)))) {
      try (DqnLearner l = new DqnLearner(c, 4, 2, Device.cpu())) {
        float first = l.train(batch).loss();
        float last = first;
        for (int i = 0; i < 300; i++) {
          last = l.train(batch).loss();
        }
        assertTrue(last < 0.05f * first, c + ": loss " + first + " -> " + last);
      }
    }
  }

  @Test
  void greedyActionsAreTheArgmaxOfQValues() {
    SplittableRandom rng = new SplittableRandom(5);
    try (DqnLearner l = new DqnLearner(small(b -> b.set(DUELING, true)), 4, 3, Device.cpu())) {
      float[] obs = Batches.random(rng, 50, 4, 3, 0).obs();
      float[] q = l.qValues(obs, 50);
      int[] a = l.greedyActions(obs, 50);
      for (int i = 0; i < 50; i++) {
        for (int j = 0; j < 3; j++) {
          assertTrue(q[i * 3 + a[i]] >= q[i * 3 + j]);
        }
      }
    }
  }

  @Test
  void worksTheSameFromAThreadWhereAutogradStartsOn() throws Exception {
    Batch batch = Batches.random(new SplittableRandom(6), 32, 4, 2, 0.99f);
    float[] expected;
    try (DqnLearner l = new DqnLearner(SMALL, 4, 2, Device.cpu())) {
      l.train(batch);
      expected = l.train(batch).tdErrors();
    }
    AtomicReference<Object> result = new AtomicReference<>();
    Thread t =
        new Thread(
            () -> {
              try (DqnLearner l = new DqnLearner(SMALL, 4, 2, Device.cpu())) {
                l.greedyActions(batch.obs(), 32);
                l.train(batch);
                result.set(l.train(batch).tdErrors());
              } catch (Throwable e) {
                result.set(e);
              }
            });
    t.start();
    t.join();
    if (result.get() instanceof Throwable e) {
      throw new AssertionError("train on a fresh thread failed", e);
    }
    assertArrayEquals(expected, (float[]) result.get(), 0f);
  }

  @Test
  void rejectsMalformedBatches() {
    try (DqnLearner l = new DqnLearner(SMALL, 4, 2, Device.cpu())) {
      Batch ok = Batches.random(new SplittableRandom(7), 8, 4, 2, 0.99f);
      Batch badAction = Batches.withWeights(ok, new float[7]);
      assertThrows(IllegalArgumentException.class, () -> l.train(badAction));
      assertThrows(IllegalArgumentException.class, () -> l.greedyActions(new float[7], 2));
    }
  }

  @Test
  void describesTheDevice() {
    String line = DqnLearner.describe(DqnLearner.chooseDevice());
    assertTrue(line.contains("PyTorch"), line);
  }

  static void assertBitEqual(float[][] expected, float[][] actual) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertArrayEquals(expected[i], actual[i], 0f, "parameter " + i);
    }
  }
}
