package io.gymbridge.agent.dqn;

import static io.gymbridge.agent.train.TrainConfig.ADAM_EPS;
import static io.gymbridge.agent.train.TrainConfig.DOUBLE_DQN;
import static io.gymbridge.agent.train.TrainConfig.DUELING;
import static io.gymbridge.agent.train.TrainConfig.HIDDEN_SIZES;
import static io.gymbridge.agent.train.TrainConfig.HUBER_LOSS;
import static io.gymbridge.agent.train.TrainConfig.LEARNING_RATE;
import static io.gymbridge.agent.train.TrainConfig.MAX_GRAD_NORM;
import static io.gymbridge.agent.train.TrainConfig.PRECISION;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.gymbridge.agent.replay.Batch;
import io.gymbridge.agent.train.TrainConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mixed precision takes the same steps as fp32, near enough: from the same weights and batch, a
 * bf16 (or fp16) learner's gradient, read from Adam's first moment after one step ({@code m = 0.1
 * g}), is within a relative L2 error of fp32's ({@link #BF16_GRADIENT_TOLERANCE}, {@link
 * #FP16_GRADIENT_TOLERANCE}), its loss within {@link #LOSS_TOLERANCE}, and its parameters stay
 * fp32. The bounds are about twice what was measured: bf16 (8 bits of mantissa) 1.7-3.8% on these
 * batches, as PyTorch's own {@code torch.autocast(bfloat16)} on the same check (2.3-3.5%, six
 * random batches); fp16 (11 bits) 0.07-0.6%; losses within 0.03%.
 */
class MixedPrecisionTest {
  static final double BF16_GRADIENT_TOLERANCE = 0.08;
  static final double FP16_GRADIENT_TOLERANCE = 0.012;
  static final double LOSS_TOLERANCE = 0.002;
  private static final long[] SHAPE = {4, 36, 36};
  private static final int ACTIONS = 4;

  private static LearnerConfig cnn(Precision precision) {
    return Learners.cnn(
        b ->
            b.set(DUELING, true)
                .set(DOUBLE_DQN, true)
                .set(HUBER_LOSS, true)
                .set(LEARNING_RATE, 1e-4)
                .set(ADAM_EPS, 1.5e-4)
                .set(MAX_GRAD_NORM, 10.0)
                .set(PRECISION, precision));
  }

  private static Batch pixels(SplittableRandom rng, int n) {
    int size = (int) (SHAPE[0] * SHAPE[1] * SHAPE[2]);
    byte[] obs = new byte[n * size];
    byte[] next = new byte[n * size];
    rng.nextBytes(obs);
    rng.nextBytes(next);
    int[] actions = new int[n];
    float[] rewards = new float[n];
    float[] discounts = new float[n];
    for (int i = 0; i < n; i++) {
      actions[i] = rng.nextInt(ACTIONS);
      rewards[i] = rng.nextInt(3) - 1;
      discounts[i] = rng.nextInt(10) == 0 ? 0 : 0.99f * 0.99f * 0.99f;
    }
    return Batch.ofBytes(
        n, size, obs, actions, rewards, next, discounts, Batches.ones(n), new int[n]);
  }

  /** ||a - b|| / ||b|| over all arrays. */
  private static double relativeError(List<NDArray> a, List<NDArray> b) {
    double diff = 0;
    double norm = 0;
    for (int i = 0; i < a.size(); i++) {
      float[] x = a.get(i).toFloatArray();
      float[] y = b.get(i).toFloatArray();
      for (int j = 0; j < x.length; j++) {
        diff += (x[j] - y[j]) * (double) (x[j] - y[j]);
        norm += y[j] * (double) y[j];
      }
    }
    return Math.sqrt(diff / norm);
  }

  private static void assertNearFp32Step(
      LearnerConfig low, LearnerConfig fp32, Batch batch, int[] s) throws IOException {
    try (DqnLearner a = new DqnLearner(low, shapeOf(s), s.length == 3, ACTIONS, Device.cpu());
        DqnLearner b = new DqnLearner(fp32, shapeOf(s), s.length == 3, ACTIONS, Device.cpu())) {
      assertEquals(low.precision(), a.precision());
      TrainResult ra = a.train(batch);
      TrainResult rb = b.train(batch);
      double gradientError = relativeError(a.adam().firstMoments(), b.adam().firstMoments());
      double tolerance =
          low.precision() == Precision.BF16 ? BF16_GRADIENT_TOLERANCE : FP16_GRADIENT_TOLERANCE;
      assertTrue(gradientError < tolerance, low.precision() + " gradient error " + gradientError);
      // and it did compute in the low type: fp32 twice would give the same gradient exactly
      assertTrue(gradientError > 1e-5, low.precision() + " gradient equals fp32's");
      assertEquals(rb.loss(), ra.loss(), LOSS_TOLERANCE * Math.abs(rb.loss()), "loss");
      for (NDArray p : a.online().parameterArrays()) {
        assertEquals(DataType.FLOAT32, p.getDataType());
      }
      assertEquals(1, a.adam().steps());
    }
  }

  private static long[] shapeOf(int[] s) {
    long[] out = new long[s.length];
    for (int i = 0; i < s.length; i++) {
      out[i] = s[i];
    }
    return out;
  }

  /** Q-values of two observations, in the learner's precision. */
  private static float[] q(DqnLearner l, byte[] obs) {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x =
          m.create(
              ByteBuffer.wrap(obs), new Shape(2, SHAPE[0], SHAPE[1], SHAPE[2]), DataType.UINT8);
      return l.online().forward(x, l.precision()).toFloatArray();
    }
  }

  @Test
  void bf16TakesNearlyTheSameStepAsFp32FromTheSameWeightsAndBatch() throws IOException {
    SplittableRandom rng = new SplittableRandom(11);
    for (int trial = 0; trial < 3; trial++) {
      assertNearFp32Step(
          cnn(Precision.BF16), cnn(Precision.FP32), pixels(rng, 32), new int[] {4, 36, 36});
    }
  }

  @Test
  void fp16WithLossScalingTakesNearlyTheSameStepAsFp32() throws IOException {
    UnaryOperator<TrainConfig.Builder> mlp =
        b -> b.set(HIDDEN_SIZES, List.of(64, 64)).set(DUELING, true);
    SplittableRandom rng = new SplittableRandom(12);
    for (int trial = 0; trial < 3; trial++) {
      assertNearFp32Step(
          Learners.mlp(b -> mlp.apply(b).set(PRECISION, Precision.FP16)),
          Learners.mlp(b -> mlp.apply(b).set(PRECISION, Precision.FP32)),
          Batches.random(rng, 32, 8, ACTIONS, 0.99f),
          new int[] {8});
    }
  }

  @Test
  void anFp16StepWhoseGradientsOverflowIsSkippedAndHalvesTheLossScale() {
    LearnerConfig c =
        Learners.mlp(b -> b.set(HIDDEN_SIZES, List.of(16)).set(PRECISION, Precision.FP16));
    SplittableRandom rng = new SplittableRandom(13);
    try (DqnLearner l = new DqnLearner(c, 4, 2, Device.cpu())) {
      Batch normal = Batches.random(rng, 8, 4, 2, 0.99f);
      float[] huge = new float[8];
      java.util.Arrays.fill(huge, 1e4f); // (q - 1e4) * 2 * 65536 / 8 overflows float16
      Batch overflowing =
          new Batch(
              8,
              4,
              normal.obs(),
              normal.actions(),
              huge,
              normal.nextObs(),
              normal.discounts(),
              normal.weights(),
              normal.indices());
      float[][] before = QNetworkTest.values(l.online());
      l.train(overflowing);
      DqnLearnerTest.assertBitEqual(before, QNetworkTest.values(l.online()));
      assertEquals(0, l.adam().steps());
      assertEquals(LossScale.INITIAL / 2, l.lossScale().value());
      l.train(normal);
      assertEquals(1, l.adam().steps());
      assertEquals(1, l.trainSteps() - 1);
    }
  }

  @Test
  void checkpointsAreFp32AndLoadInEitherPrecision(@TempDir Path dir) throws IOException {
    SplittableRandom rng = new SplittableRandom(14);
    Batch batch = pixels(rng, 8);
    byte[] probe = new byte[2 * (int) (SHAPE[0] * SHAPE[1] * SHAPE[2])];
    rng.nextBytes(probe);
    try (DqnLearner bf16 = new DqnLearner(cnn(Precision.BF16), SHAPE, true, ACTIONS, Device.cpu());
        DqnLearner fp32 = new DqnLearner(cnn(Precision.FP32), SHAPE, true, ACTIONS, Device.cpu())) {
      bf16.train(batch);
      bf16.save(dir);
      fp32.load(dir);
      DqnLearnerTest.assertBitEqual(
          QNetworkTest.values(bf16.online()), QNetworkTest.values(fp32.online()));
      assertEquals(bf16.adam().steps(), fp32.adam().steps());
      // The same weights, acting in each precision: Q-values within bf16's rounding.
      float[] q16 = q(bf16, probe);
      float[] q32 = q(fp32, probe);
      for (int i = 0; i < q32.length; i++) {
        assertEquals(q32[i], q16[i], 0.02 * Math.abs(q32[i]) + 1e-3, "q " + i);
      }
      fp32.save(dir);
      bf16.load(dir);
      assertArrayEquals(q32, q(fp32, probe));
    }
  }
}
