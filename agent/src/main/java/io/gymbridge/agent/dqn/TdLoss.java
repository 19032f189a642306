package io.gymbridge.agent.dqn;

import ai.djl.ndarray.NDArray;

/**
 * The per-sample loss on the TD error {@code q - target}; the learner averages it with the
 * importance-sampling weights. Both have PyTorch's definitions (DJL's {@code L2Loss} is {@code 0.5
 * * MSE} and it has no Huber loss); the update kernel computes them.
 */
public enum TdLoss {
  /**
   * Huber with delta 1, which is PyTorch's {@code smooth_l1_loss}: {@code 0.5 x^2} for {@code |x|
   * <= 1}, {@code |x| - 0.5} beyond. Its gradient is the TD error clipped to [-1, 1] (Nature DQN).
   */
  HUBER {
    @Override
    public NDArray elementwise(NDArray tdError) {
      NDArray abs = tdError.abs();
      NDArray quadratic = abs.minimum(1f);
      NDArray linear = abs.sub(quadratic);
      return quadratic.square().muli(0.5f).addi(linear);
    }
  },
  /** Squared error {@code x^2}, as PyTorch's {@code mse_loss} (CleanRL dqn.py); not halved. */
  MSE {
    @Override
    public NDArray elementwise(NDArray tdError) {
      return tdError.square();
    }
  };

  /** The loss of each element of {@code tdError}, same shape; differentiable. */
  public abstract NDArray elementwise(NDArray tdError);
}
