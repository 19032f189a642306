package io.gymbridge.agent.dqn;

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
  HUBER,
  /** Squared error {@code x^2}, as PyTorch's {@code mse_loss} (CleanRL dqn.py); not halved. */
  MSE
}
