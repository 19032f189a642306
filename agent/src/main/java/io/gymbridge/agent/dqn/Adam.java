package io.gymbridge.agent.dqn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.List;

/**
 * Adam (Kingma and Ba 2015) with bias correction, as {@code torch.optim.Adam} with its defaults
 * (betas 0.9 and 0.999, no weight decay, no AMSGrad) and a configurable epsilon:
 *
 * <pre>
 *   m = beta1 * m + (1 - beta1) * g
 *   v = beta2 * v + (1 - beta2) * g^2
 *   p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 *
 * One fused native call per parameter (DJL's PyTorch {@code adamUpdate}, some ten ATen ops without
 * a trip through Java for each: a third of the time of the same update written as NDArray ops).
 * Parameters and moments are updated in place, so the state ({@link #steps}, {@link #firstMoments},
 * {@link #secondMoments}) can be checkpointed and {@link #restore}d; DJL's own Adam keeps it out of
 * reach. The moments live on the parameters' manager. Not thread-safe.
 */
public final class Adam {
  private static final NDIndex ALL = new NDIndex("...");

  private final List<NDArray> params;
  private final List<NDArray> m = new ArrayList<>();
  private final List<NDArray> v = new ArrayList<>();
  private final double learningRate;
  private final float beta1;
  private final float beta2;
  private final double eps;
  private long steps;

  /** PyTorch's betas (0.9, 0.999). */
  public Adam(List<NDArray> params, double learningRate, double eps) {
    this(params, learningRate, 0.9, 0.999, eps);
  }

  public Adam(List<NDArray> params, double learningRate, double beta1, double beta2, double eps) {
    this.params = List.copyOf(params);
    this.learningRate = learningRate;
    this.beta1 = (float) beta1;
    this.beta2 = (float) beta2;
    this.eps = eps;
    for (NDArray p : this.params) {
      NDArray mi = p.zerosLike();
      NDArray vi = p.zerosLike();
      NDScope.unregister(mi, vi); // state lives with the parameters, even if built in a scope
      m.add(mi);
      v.add(vi);
    }
  }

  /**
   * One update with {@code grads} (same order and shapes as the parameters), in place. The
   * gradients are left unchanged.
   */
  public void step(List<NDArray> grads) {
    if (grads.size() != params.size()) {
      throw new IllegalArgumentException(
          "Adam has " + params.size() + " parameters but got " + grads.size() + " gradients");
    }
    steps++;
    double bias1 = 1 - Math.pow(beta1, steps);
    double bias2Sqrt = Math.sqrt(1 - Math.pow(beta2, steps));
    // The native update computes p -= stepSize * m / (sqrt(v) + eps'). PyTorch's
    // p -= lr / bias1 * m / (sqrt(v) / sqrt(bias2) + eps) is the same with both scaled by
    // sqrt(bias2): stepSize = lr * sqrt(bias2) / bias1 and eps' = eps * sqrt(bias2).
    float stepSize = (float) (learningRate * bias2Sqrt / bias1);
    float scaledEps = (float) (eps * bias2Sqrt);
    for (int i = 0; i < params.size(); i++) {
      Torch.adamUpdate(
          params.get(i), grads.get(i), m.get(i), v.get(i), stepSize, beta1, beta2, scaledEps);
    }
  }

  /** Updates made so far ({@code t} in the bias corrections). */
  public long steps() {
    return steps;
  }

  /** The live first-moment arrays {@code m}, in parameter order. */
  public List<NDArray> firstMoments() {
    return List.copyOf(m);
  }

  /** The live second-moment arrays {@code v}, in parameter order. */
  public List<NDArray> secondMoments() {
    return List.copyOf(v);
  }

  /** Copies a saved state into this optimizer, in place. Shapes must match. */
  public void restore(long steps, List<NDArray> firstMoments, List<NDArray> secondMoments) {
    if (steps < 0 || firstMoments.size() != m.size() || secondMoments.size() != v.size()) {
      throw new IllegalArgumentException(
          "Adam state does not match: steps "
              + steps
              + ", "
              + firstMoments.size()
              + "/"
              + secondMoments.size()
              + " moments for "
              + m.size()
              + " parameters");
    }
    for (int i = 0; i < m.size(); i++) {
      m.get(i).set(ALL, firstMoments.get(i));
      v.get(i).set(ALL, secondMoments.get(i));
    }
    this.steps = steps;
  }
}
