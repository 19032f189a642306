package io.gymbridge.agent.dqn;

import static io.gymbridge.agent.train.TrainConfig.FORK_TARGET;
import static io.gymbridge.agent.train.TrainConfig.HIDDEN_SIZES;
import static io.gymbridge.agent.train.TrainConfig.HUBER_LOSS;
import static io.gymbridge.agent.train.TrainConfig.PRECISION;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.Device;
import io.gymbridge.agent.replay.Batch;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The losses as the update computes them, on both routes (op by op and one TorchScript call, which
 * forkTarget selects for the MLP): one-sample batches whose TD error is set by hand (a linear Q
 * that is 0 at s = 0, a terminal transition with reward -error), the loss read back, and the
 * gradient read from Adam's first moment after the step ({@code m = 0.1 g}).
 */
class TdLossTest {
  private static final float[] ERRORS = {-3, -1, -0.5f, 0, 0.5f, 1, 3};

  private record Step(float loss, float biasGradient) {}

  private static Step oneStep(TdLoss loss, float error, boolean oneCall) {
    LearnerConfig config =
        Learners.mlp(
            b ->
                b.set(HIDDEN_SIZES, List.of())
                    .set(HUBER_LOSS, loss == TdLoss.HUBER)
                    .set(PRECISION, Precision.FP32)
                    .set(FORK_TARGET, oneCall));
    try (DqnLearner l = new DqnLearner(config, 1, 2, Device.cpu())) {
      l.online().setLinear(0, new float[] {1, -1}, new float[] {0, 0});
      Batch batch =
          new Batch(
              1,
              1,
              new float[] {0},
              new int[] {0},
              new float[] {-error},
              new float[] {0},
              new float[] {0},
              new float[] {1},
              new int[] {0});
      float value = l.train(batch).loss();
      // Parameters in block order: weight [2, 1], bias [2]; action 0's bias takes the gradient.
      float m = l.adam().firstMoments().get(1).toFloatArray()[0];
      return new Step(value, m / 0.1f);
    }
  }

  private static float[] losses(TdLoss loss, boolean oneCall) {
    float[] out = new float[ERRORS.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = oneStep(loss, ERRORS[i], oneCall).loss();
    }
    return out;
  }

  @ParameterizedTest(name = "one call: {0}")
  @ValueSource(booleans = {false, true})
  void huberIsHalfSquareInsideDeltaOneAndLinearOutside(boolean oneCall) {
    assertArrayEquals(
        new float[] {2.5f, 0.5f, 0.125f, 0, 0.125f, 0.5f, 2.5f},
        losses(TdLoss.HUBER, oneCall),
        1e-6f);
  }

  @ParameterizedTest(name = "one call: {0}")
  @ValueSource(booleans = {false, true})
  void mseIsTheUnhalvedSquare(boolean oneCall) {
    assertArrayEquals(
        new float[] {9, 1, 0.25f, 0, 0.25f, 1, 9}, losses(TdLoss.MSE, oneCall), 1e-6f);
  }

  @ParameterizedTest(name = "one call: {0}")
  @ValueSource(booleans = {false, true})
  void huberGradientIsTheErrorClippedToOneAndMseTwiceTheError(boolean oneCall) {
    float[] huber = new float[ERRORS.length];
    float[] mse = new float[ERRORS.length];
    for (int i = 0; i < ERRORS.length; i++) {
      huber[i] = oneStep(TdLoss.HUBER, ERRORS[i], oneCall).biasGradient();
      mse[i] = oneStep(TdLoss.MSE, ERRORS[i], oneCall).biasGradient();
    }
    assertArrayEquals(new float[] {-1, -1, -0.5f, 0, 0.5f, 1, 1}, huber, 1e-6f);
    assertArrayEquals(new float[] {-6, -2, -1, 0, 1, 2, 6}, mse, 1e-5f);
  }
}
