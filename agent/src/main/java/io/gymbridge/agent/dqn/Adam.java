package io.gymbridge.agent.dqn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.List;

/**
 * Adam's state and settings (Kingma and Ba 2015, as {@code torch.optim.Adam} with its defaults:
 * betas 0.9 and 0.999, no weight decay, no AMSGrad, and a configurable epsilon):
 *
 * <pre>
 *   m = beta1 * m + (1 - beta1) * g
 *   v = beta2 * v + (1 - beta2) * g^2
 *   p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 *
 * <p>The step itself runs inside the update's one native call ({@link UpdateKernel}), after the
 * gradients and {@code clip_grad_norm_}'s optional global-norm clipping: PyTorch's fused Adam
 * kernel ({@code torch._fused_adam_}, behind {@code torch.optim.Adam(fused=True)} on CPU and CUDA),
 * which reads each of p, g, m, v once and writes p, m, v once. DJL's own route (backward into
 * {@code .grad}, {@code adamUpdate} per parameter, zeroing) moves about five times the memory: 7 ms
 * against 1.5 ms for the Nature CNN's update on an AVX-512 CPU.
 *
 * <p>The moments are updated in place, so the state ({@link #steps}, {@link #firstMoments}, {@link
 * #secondMoments}) can be checkpointed and {@link #restore}d; DJL's own Adam keeps it out of reach.
 * The moments live on the parameters' manager, fp32 whatever the learner's precision. Not
 * thread-safe.
 */
public final class Adam {
  private static final NDIndex ALL = new NDIndex("...");

  private final List<NDArray> m = new ArrayList<>();
  private final List<NDArray> v = new ArrayList<>();
  private final double learningRate;
  private final double beta1;
  private final double beta2;
  private final double eps;
  private long steps;

  /** PyTorch's betas (0.9, 0.999). */
  public Adam(List<NDArray> params, double learningRate, double eps) {
    this(params, learningRate, 0.9, 0.999, eps);
  }

  public Adam(List<NDArray> params, double learningRate, double beta1, double beta2, double eps) {
    this.learningRate = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    if (params.isEmpty()) {
      throw new IllegalArgumentException("Adam needs at least one parameter");
    }
    for (NDArray p : params) {
      NDArray mi = p.zerosLike();
      NDArray vi = p.zerosLike();
      NDScope.unregister(mi, vi); // state lives with the parameters, even if built in a scope
      m.add(mi);
      v.add(vi);
    }
  }

  /** Counts a step the kernel took ({@code t} of the next one is {@code steps() + 1}). */
  void stepTaken() {
    steps++;
  }

  /** Updates made so far ({@code t} in the bias corrections). */
  public long steps() {
    return steps;
  }

  double learningRate() {
    return learningRate;
  }

  double beta1() {
    return beta1;
  }

  double beta2() {
    return beta2;
  }

  double eps() {
    return eps;
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
