package io.gymbridge.agent.dqn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdamTest {
  private static final double LR = 0.1;
  private static final double EPS = 1e-3; // large, so that eps shows in the result
  private static final float[] P0 = {1, -2, 3};
  private static final float[] G1 = {0.1f, -0.2f, 0.3f};
  private static final float[] G2 = {-0.5f, 0.1f, 1.0f};

  /** The formula in double precision, as PyTorch's Adam (betas 0.9, 0.999). */
  private static double[] expected(float[][] grads) {
    double[] p = new double[P0.length];
    double[] m = new double[P0.length];
    double[] v = new double[P0.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = P0[i];
    }
    for (int t = 1; t <= grads.length; t++) {
      for (int i = 0; i < p.length; i++) {
        double g = grads[t - 1][i];
        m[i] = 0.9 * m[i] + 0.1 * g;
        v[i] = 0.999 * v[i] + 0.001 * g * g;
        double mHat = m[i] / (1 - Math.pow(0.9, t));
        double vHat = v[i] / (1 - Math.pow(0.999, t));
        p[i] -= LR * mHat / (Math.sqrt(vHat) + EPS);
      }
    }
    return p;
  }

  private static void assertClose(double[] expected, float[] actual) {
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-6, "element " + i);
    }
  }

  @Test
  void oneStepOnAKnownGradientEqualsTheFormula() {
    Torch.noGrad();
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray p = m.create(P0);
      Adam adam = new Adam(List.of(p), LR, EPS);
      try (NDScope scope = new NDScope()) {
        adam.step(List.of(m.create(G1)));
      }
      double[] want = expected(new float[][] {G1});
      assertClose(want, p.toFloatArray());
      // bias-corrected first step: p - lr * g / (|g| + eps)
      assertEquals(1 - 0.1 * 0.1 / (0.1 + EPS), want[0], 1e-9);
      assertEquals(1, adam.steps());
      assertArrayEquals(
          new float[] {0.01f, -0.02f, 0.03f}, adam.firstMoments().get(0).toFloatArray(), 1e-8f);
    }
  }

  @Test
  void twoStepsEqualTheFormulaWithBiasCorrection() {
    Torch.noGrad();
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray p = m.create(P0);
      Adam adam = new Adam(List.of(p), LR, EPS);
      for (float[] g : new float[][] {G1, G2}) {
        try (NDScope scope = new NDScope()) {
          adam.step(List.of(m.create(g)));
        }
      }
      assertClose(expected(new float[][] {G1, G2}), p.toFloatArray());
    }
  }

  @Test
  void updatesEveryParameterInOneStepAndLeavesTheGradientsAsTheyWere() {
    Torch.noGrad();
    try (NDManager m = NDManager.newBaseManager()) {
      // Two parameters of different shapes: the fused kernel takes them as one list.
      NDArray matrix = m.create(new float[] {1, -2, 3, 0.5f, 0, -1}, new Shape(2, 3));
      NDArray vector = m.create(P0);
      Adam adam = new Adam(List.of(matrix, vector), LR, EPS);
      float[] gMatrix = {0.3f, 0.2f, 0.1f, -0.1f, -0.2f, -0.3f};
      NDArray gradMatrix = m.create(gMatrix, new Shape(2, 3));
      NDArray gradVector = m.create(G1);
      adam.step(List.of(gradMatrix, gradVector));
      assertClose(expected(new float[][] {G1}), vector.toFloatArray());
      float[] after = matrix.toFloatArray();
      float[] before = {1, -2, 3, 0.5f, 0, -1};
      for (int i = 0; i < after.length; i++) {
        double g = gMatrix[i];
        assertEquals(before[i] - LR * g / (Math.abs(g) + EPS), after[i], 1e-6, "matrix " + i);
      }
      assertArrayEquals(gMatrix, gradMatrix.toFloatArray(), 0f);
      assertArrayEquals(G1, gradVector.toFloatArray(), 0f);
    }
  }

  @Test
  void aGradientListOfTheWrongLengthIsRefused() {
    try (NDManager m = NDManager.newBaseManager()) {
      Adam adam = new Adam(List.of(m.create(P0)), LR, EPS);
      assertThrows(IllegalArgumentException.class, () -> adam.step(List.of()));
      assertEquals(0, adam.steps());
    }
  }

  @Test
  void restoredStateContinuesIdentically() {
    Torch.noGrad();
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray p = m.create(P0);
      NDArray q = m.create(P0);
      Adam a = new Adam(List.of(p), LR, EPS);
      Adam b = new Adam(List.of(q), LR, EPS);
      try (NDScope scope = new NDScope()) {
        a.step(List.of(m.create(G1)));
        q.set(new NDIndex("..."), p);
        b.restore(a.steps(), a.firstMoments(), a.secondMoments());
        a.step(List.of(m.create(G2)));
        b.step(List.of(m.create(G2)));
      }
      assertArrayEquals(p.toFloatArray(), q.toFloatArray(), 0f);
      assertEquals(2, b.steps());
    }
  }
}
