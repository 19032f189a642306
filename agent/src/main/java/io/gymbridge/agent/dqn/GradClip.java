package io.gymbridge.agent.dqn;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * Global-norm gradient clipping, as {@code torch.nn.utils.clip_grad_norm_}. DJL's {@code
 * optClipGrad} is not this: it clips each element (one-sided in the PyTorch engine).
 */
public final class GradClip {
  private GradClip() {}

  /**
   * Scales all {@code grads} in place by {@code min(1, maxNorm / (norm + 1e-6))}, where {@code
   * norm} is the L2 norm of all of them together, so their global norm becomes (just under) {@code
   * maxNorm} when it was larger. Runs on the gradients' device without a host sync.
   *
   * @return the global norm before clipping, a scalar in the caller's scope
   */
  public static NDArray clipGlobalNorm(List<NDArray> grads, double maxNorm) {
    if (!(maxNorm > 0)) {
      throw new IllegalArgumentException("maxNorm must be > 0, got " + maxNorm);
    }
    NDArray sumOfSquares = null;
    for (NDArray g : grads) {
      // One pass per gradient (torch.norm), not a squared copy and then a sum.
      NDArray s = g.norm().square();
      sumOfSquares = sumOfSquares == null ? s : sumOfSquares.addi(s);
    }
    NDArray norm = sumOfSquares.sqrt();
    NDArray max = norm.getManager().create((float) maxNorm).toDevice(norm.getDevice(), false);
    NDArray scale = max.divi(norm.add(1e-6f)).minimum(1f);
    for (NDArray g : grads) {
      g.muli(scale);
    }
    return norm;
  }
}
