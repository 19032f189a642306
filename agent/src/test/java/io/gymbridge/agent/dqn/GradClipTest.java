package io.gymbridge.agent.dqn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.api.Test;

class GradClipTest {
  @Test
  void scalesAllGradientsSoTheGlobalNormEqualsTheMaximum() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = m.create(new float[] {3, 4});
      NDArray b = m.create(new float[][] {{12}});
      float before = GradClip.clipGlobalNorm(List.of(a, b), 6.5).getFloat();
      assertEquals(13f, before, 1e-6f);
      float[] fa = a.toFloatArray();
      float[] fb = b.toFloatArray();
      double after = Math.sqrt(fa[0] * fa[0] + fa[1] * fa[1] + fb[0] * fb[0]);
      assertEquals(6.5, after, 1e-5);
      assertArrayEquals(new float[] {1.5f, 2f}, fa, 1e-6f); // direction kept: each halved
      assertArrayEquals(new float[] {6f}, fb, 1e-6f);
    }
  }

  @Test
  void leavesGradientsBelowTheMaximumUnchanged() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = m.create(new float[] {3, 4});
      NDArray b = m.create(new float[] {12});
      GradClip.clipGlobalNorm(List.of(a, b), 20);
      assertArrayEquals(new float[] {3, 4}, a.toFloatArray(), 0f);
      assertArrayEquals(new float[] {12}, b.toFloatArray(), 0f);
    }
  }
}
