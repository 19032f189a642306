package io.gymbridge.agent.dqn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class QNetworkTest {
  static float[][] values(QNetwork net) {
    return net.parameterArrays().stream().map(NDArray::toFloatArray).toArray(float[][]::new);
  }

  @Test
  void sameSeedGivesBitIdenticalWeightsAndAnotherSeedDifferent() {
    try (NDManager m = NDManager.newBaseManager()) {
      float[][] a = values(new QNetwork(m, 4, 2, List.of(16, 8), true, 7));
      float[][] b = values(new QNetwork(m, 4, 2, List.of(16, 8), true, 7));
      float[][] c = values(new QNetwork(m, 4, 2, List.of(16, 8), true, 8));
      assertEquals(a.length, b.length);
      for (int i = 0; i < a.length; i++) {
        assertArrayEquals(a[i], b[i], 0f);
      }
      assertFalse(Arrays.equals(a[0], c[0]));
    }
  }

  @Test
  void initialWeightsFollowPyTorchLinearBounds() {
    try (NDManager m = NDManager.newBaseManager()) {
      QNetwork net = new QNetwork(m, 4, 3, List.of(16), false, 1);
      // 01Linear weight [16, 4] and bias: fan-in 4; 03Linear weight [3, 16] and bias: fan-in 16
      double[] bounds = {0.5, 0.5, 0.25, 0.25};
      float[][] v = values(net);
      assertEquals(4, v.length);
      for (int i = 0; i < v.length; i++) {
        float maxAbs = 0;
        for (float x : v[i]) {
          maxAbs = Math.max(maxAbs, Math.abs(x));
        }
        assertTrue(maxAbs <= bounds[i], i + ": " + maxAbs);
        if (v[i].length >= 48) {
          assertTrue(maxAbs > 0.8 * bounds[i], i + ": " + maxAbs + " (not spread over the range)");
        }
      }
    }
  }

  @Test
  void forwardGivesOneRowOfQValuesPerObservation() {
    try (NDManager m = NDManager.newBaseManager();
        NDScope scope = new NDScope()) {
      QNetwork net = new QNetwork(m, 4, 3, List.of(16, 16), false, 1);
      assertEquals(new Shape(5, 3), net.forward(m.zeros(new Shape(5, 4))).getShape());
    }
  }

  @Test
  void theOpByOpForwardPassEqualsTheTorchScriptOne() {
    try (NDManager m = NDManager.newBaseManager()) {
      for (boolean dueling : new boolean[] {false, true}) {
        QNetwork net = new QNetwork(m, 4, 3, List.of(16, 8), dueling, 7);
        NDArray obs = m.create(new float[] {0.1f, -2, 3, 0.5f, 1, 1, -1, 0}, new Shape(2, 4));
        float[] opByOp = net.forwardOpByOp(obs).toFloatArray();
        float[] torchScript =
            UpdateKernel.instance()
                .qValues(net.parameterArrays(), obs, false, dueling, Precision.FP32)
                .toFloatArray();
        assertArrayEquals(opByOp, torchScript, 1e-6f, "dueling " + dueling);
      }
    }
  }

  @Test
  void duelingQMinusItsMeanEqualsTheAdvantageMinusItsMean() {
    try (NDManager m = NDManager.newBaseManager();
        NDScope scope = new NDScope()) {
      QNetwork net = new QNetwork(m, 1, 3, List.of(), true, 1);
      net.setLinear(0, new float[] {2}, new float[] {1}); // V(s) = 2s + 1
      net.setLinear(1, new float[] {1, 2, 3}, new float[] {0, 0, 0}); // A(s) = [s, 2s, 3s]
      float[] q = net.forward(m.create(new float[] {1, -1}, new Shape(2, 1))).toFloatArray();
      // s = 1: V 3, A [1,2,3], mean 2 -> Q [2,3,4]; s = -1: V -1, A [-1,-2,-3] -> Q [0,-1,-2]
      assertArrayEquals(new float[] {2, 3, 4, 0, -1, -2}, q, 0f);
      // so Q - mean_a Q = A - mean_a A = [-1,0,1] and [1,0,-1]; mean_a Q = V
    }
  }

  @Test
  void copyIsBitExactAndHalfBlendIsTheAverage() {
    try (NDManager m = NDManager.newBaseManager()) {
      QNetwork a = new QNetwork(m, 4, 2, List.of(8), false, 1);
      QNetwork b = new QNetwork(m, 4, 2, List.of(8), false, 2);
      float[][] va = values(a);
      float[][] vb = values(b);
      b.blendFrom(a, 0.5);
      float[][] blended = values(b);
      for (int i = 0; i < va.length; i++) {
        for (int j = 0; j < va[i].length; j++) {
          assertEquals((va[i][j] + vb[i][j]) / 2, blended[i][j], 1e-7f);
        }
      }
      b.copyFrom(a);
      float[][] copied = values(b);
      for (int i = 0; i < va.length; i++) {
        assertArrayEquals(va[i], copied[i], 0f);
      }
    }
  }
}
