package io.gymbridge.agent.dqn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class TdLossTest {
  private static final float[] ERRORS = {-3, -1, -0.5f, 0, 0.5f, 1, 3};

  private static float[] elementwise(TdLoss loss, float[] errors) {
    Torch.noGrad();
    try (NDManager m = NDManager.newBaseManager()) {
      return loss.elementwise(m.create(errors)).toFloatArray();
    }
  }

  @Test
  void huberIsHalfSquareInsideDeltaOneAndLinearOutside() {
    assertArrayEquals(
        new float[] {2.5f, 0.5f, 0.125f, 0, 0.125f, 0.5f, 2.5f},
        elementwise(TdLoss.HUBER, ERRORS),
        0f);
  }

  @Test
  void mseIsTheUnhalvedSquare() {
    assertArrayEquals(
        new float[] {9, 1, 0.25f, 0, 0.25f, 1, 9}, elementwise(TdLoss.MSE, ERRORS), 0f);
  }

  @Test
  void huberGradientIsTheErrorClippedToOne() {
    Torch.noGrad();
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.create(new float[] {-3, -0.5f, 0.25f, 2});
      x.setRequiresGradient(true);
      try (GradientCollector tape = Engine.getInstance().newGradientCollector()) {
        tape.backward(TdLoss.HUBER.elementwise(x).sum());
      }
      assertArrayEquals(new float[] {-1, -0.5f, 0.25f, 1}, x.getGradient().toFloatArray(), 0f);
    }
  }
}
