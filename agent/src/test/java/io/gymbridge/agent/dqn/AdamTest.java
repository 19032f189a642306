package io.gymbridge.agent.dqn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Adam through the update kernel's clipping and Adam step (the code that runs after every update's
 * backward pass), on given gradients, compared with the formula in double precision.
 */
class AdamTest {
  private static final double LR = 0.1;
  private static final double EPS = 1e-3; // large, so that eps (and clipping) show in the result
  private static final double NO_CLIP = 0;
  private static final float[] P0 = {1, -2, 3};
  private static final float[] G1 = {0.1f, -0.2f, 0.3f};
  private static final float[] G2 = {-0.5f, 0.1f, 1.0f};

  /** PyTorch's Adam (betas 0.9, 0.999) from P0 over the given gradients, in double precision. */
  private static double[] expected(float[] p0, float[][] grads) {
    double[] p = new double[p0.length];
    double[] m = new double[p0.length];
    double[] v = new double[p0.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = p0[i];
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

  private static NDArray parameter(NDManager m, float[] values, Shape shape) {
    NDArray p = m.create(values, shape);
    p.setRequiresGradient(true);
    return p;
  }

  /**
   * One step of {@code adam} with gradient grads.get(i) for params.get(i). The kernel clips the
   * gradients in place (in an update they are its own, fresh from autograd), so it gets copies.
   */
  private static void step(Adam adam, List<NDArray> params, List<NDArray> grads, double clip) {
    Torch.noGrad();
    try (NDScope scope = new NDScope()) {
      List<NDArray> copies = grads.stream().map(NDArray::duplicate).toList();
      UpdateKernel.instance().applyAdam(params, copies, adam, clip);
      adam.stepTaken();
    }
  }

  @Test
  void oneStepOnAKnownGradientEqualsTheFormula() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray p = parameter(m, P0, new Shape(3));
      Adam adam = new Adam(List.of(p), LR, EPS);
      step(adam, List.of(p), List.of(m.create(G1)), NO_CLIP);
      double[] want = expected(P0, new float[][] {G1});
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
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray p = parameter(m, P0, new Shape(3));
      Adam adam = new Adam(List.of(p), LR, EPS);
      for (float[] g : new float[][] {G1, G2}) {
        step(adam, List.of(p), List.of(m.create(g)), NO_CLIP);
      }
      assertClose(expected(P0, new float[][] {G1, G2}), p.toFloatArray());
    }
  }

  @Test
  void updatesParametersOfDifferentShapesInOneStepAndAccumulatesNoGradient() {
    try (NDManager m = NDManager.newBaseManager()) {
      float[] matrix0 = {1, -2, 3, 0.5f, 0, -1};
      float[] gMatrix = {0.3f, 0.2f, 0.1f, -0.1f, -0.2f, -0.3f};
      NDArray matrix = parameter(m, matrix0, new Shape(2, 3));
      NDArray vector = parameter(m, P0, new Shape(3));
      Adam adam = new Adam(List.of(matrix, vector), LR, EPS);
      List<NDArray> grads = List.of(m.create(gMatrix, new Shape(2, 3)), m.create(G1));
      step(adam, List.of(matrix, vector), grads, NO_CLIP);
      step(adam, List.of(matrix, vector), grads, NO_CLIP);
      // Had the first step's gradient stayed in .grad, the second would have seen it twice.
      assertClose(expected(matrix0, new float[][] {gMatrix, gMatrix}), matrix.toFloatArray());
      assertClose(expected(P0, new float[][] {G1, G1}), vector.toFloatArray());
    }
  }

  @Test
  void clipsTheGlobalNormOfAllGradientsTogether() {
    try (NDManager m = NDManager.newBaseManager()) {
      // Gradients (3, 4) and (12): global norm 13. Clipped to 6.5, each is halved.
      float[] a0 = {1, 1};
      float[] b0 = {1};
      NDArray a = parameter(m, a0, new Shape(2));
      NDArray b = parameter(m, b0, new Shape(1));
      Adam adam = new Adam(List.of(a, b), LR, EPS);
      List<NDArray> grads = List.of(m.create(new float[] {3, 4}), m.create(new float[] {12}));
      step(adam, List.of(a, b), grads, 6.5);
      assertClose(expected(a0, new float[][] {{1.5f, 2f}}), a.toFloatArray());
      assertClose(expected(b0, new float[][] {{6f}}), b.toFloatArray());
      // Below the maximum nothing is scaled.
      step(adam, List.of(a, b), grads, 20);
      assertClose(expected(a0, new float[][] {{1.5f, 2f}, {3, 4}}), a.toFloatArray());
      assertClose(expected(b0, new float[][] {{6f}, {12}}), b.toFloatArray());
    }
  }

  @Test
  void restoredStateContinuesIdentically() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray p = parameter(m, P0, new Shape(3));
      NDArray q = parameter(m, P0, new Shape(3));
      Adam a = new Adam(List.of(p), LR, EPS);
      Adam b = new Adam(List.of(q), LR, EPS);
      step(a, List.of(p), List.of(m.create(G1)), NO_CLIP);
      Torch.noGrad();
      q.set(new NDIndex("..."), p);
      b.restore(a.steps(), a.firstMoments(), a.secondMoments());
      step(a, List.of(p), List.of(m.create(G2)), NO_CLIP);
      step(b, List.of(q), List.of(m.create(G2)), NO_CLIP);
      assertArrayEquals(p.toFloatArray(), q.toFloatArray(), 0f);
      assertEquals(2, b.steps());
    }
  }
}
