package io.gymbridge.agent.dqn;

import java.util.List;

/**
 * Every hyperparameter of {@link DqnLearner}, immutable and validated on construction. {@link
 * #defaults()} is CleanRL's dqn.py (CartPole); change fields with the {@code with*} methods.
 *
 * <p>The target network follows CleanRL's two knobs: every {@code targetUpdateInterval} train steps
 * it becomes {@code tau * online + (1 - tau) * target}. {@code tau = 1} is a hard copy (Nature DQN,
 * bit-exact); {@code targetUpdateInterval = 1} with a small {@code tau} is a Polyak (soft) update
 * after every step. The discount is not here: it comes with each {@code Batch} (n-step, terminal).
 *
 * @param hiddenSizes widths of the hidden Linear+ReLU layers, input side first; empty = linear Q
 * @param dueling Q = V + A - mean(A) from a value and an advantage stream (Wang et al. 2016)
 * @param doubleDqn target action chosen by the online network, valued by the target network
 * @param loss elementwise loss on the TD error: HUBER (smooth L1, delta 1) or MSE
 * @param learningRate Adam step size
 * @param adamEps Adam's epsilon, added to sqrt(v) (PyTorch 1e-8; Atari presets often use
 *     1e-4..1.5e-4)
 * @param maxGradNorm clip the global L2 norm of all gradients to this (torch clip_grad_norm_); 0 =
 *     off
 * @param targetUpdateInterval train steps (learner calls, not env steps) between target updates, >=
 *     1
 * @param tau weight of the online network in a target update, in (0, 1]; 1 = hard copy
 * @param seed seeds the initial weights (drawn in Java, independent of the engine's global RNG)
 * @param network the architecture: an MLP of {@code hiddenSizes} for vector observations, or the
 *     Nature CNN for uint8 image stacks ({@code hiddenSizes} unused)
 */
public record LearnerConfig(
    List<Integer> hiddenSizes,
    boolean dueling,
    boolean doubleDqn,
    TdLoss loss,
    double learningRate,
    double adamEps,
    double maxGradNorm,
    int targetUpdateInterval,
    double tau,
    long seed,
    Network network) {

  /** The Q-network architectures. */
  public enum Network {
    /** Linear+ReLU layers of {@code hiddenSizes}: vector observations. */
    MLP,
    /** Mnih et al. (2015): three convolutions and 512 units: uint8 [C, H, W] image stacks. */
    NATURE_CNN
  }

  public LearnerConfig {
    hiddenSizes = List.copyOf(hiddenSizes);
    for (int h : hiddenSizes) {
      require(h > 0, "hiddenSizes must be positive, got " + hiddenSizes);
    }
    require(loss != null, "loss must be set (HUBER or MSE)");
    require(learningRate > 0 && Double.isFinite(learningRate), "learningRate must be > 0");
    require(adamEps > 0 && Double.isFinite(adamEps), "adamEps must be > 0, got " + adamEps);
    require(maxGradNorm >= 0 && Double.isFinite(maxGradNorm), "maxGradNorm must be >= 0 (0 = off)");
    require(targetUpdateInterval >= 1, "targetUpdateInterval must be >= 1 train steps");
    require(tau > 0 && tau <= 1, "tau must be in (0, 1], got " + tau);
    require(network != null, "network must be set (MLP or NATURE_CNN)");
  }

  /**
   * CleanRL dqn.py: hidden 120-84, plain head, vanilla targets, MSE, lr 2.5e-4, Adam eps 1e-8, no
   * clipping, hard target copy every 50 train steps (CleanRL's 500 env steps at one train step per
   * 10 env steps), seed 1.
   */
  public static LearnerConfig defaults() {
    return new LearnerConfig(
        List.of(120, 84), false, false, TdLoss.MSE, 2.5e-4, 1e-8, 0, 50, 1, 1, Network.MLP);
  }

  public LearnerConfig withHiddenSizes(List<Integer> v) {
    return new LearnerConfig(
        v,
        dueling,
        doubleDqn,
        loss,
        learningRate,
        adamEps,
        maxGradNorm,
        targetUpdateInterval,
        tau,
        seed,
        network);
  }

  public LearnerConfig withDueling(boolean v) {
    return new LearnerConfig(
        hiddenSizes,
        v,
        doubleDqn,
        loss,
        learningRate,
        adamEps,
        maxGradNorm,
        targetUpdateInterval,
        tau,
        seed,
        network);
  }

  public LearnerConfig withDoubleDqn(boolean v) {
    return new LearnerConfig(
        hiddenSizes,
        dueling,
        v,
        loss,
        learningRate,
        adamEps,
        maxGradNorm,
        targetUpdateInterval,
        tau,
        seed,
        network);
  }

  public LearnerConfig withLoss(TdLoss v) {
    return new LearnerConfig(
        hiddenSizes,
        dueling,
        doubleDqn,
        v,
        learningRate,
        adamEps,
        maxGradNorm,
        targetUpdateInterval,
        tau,
        seed,
        network);
  }

  public LearnerConfig withLearningRate(double v) {
    return new LearnerConfig(
        hiddenSizes,
        dueling,
        doubleDqn,
        loss,
        v,
        adamEps,
        maxGradNorm,
        targetUpdateInterval,
        tau,
        seed,
        network);
  }

  public LearnerConfig withAdamEps(double v) {
    return new LearnerConfig(
        hiddenSizes,
        dueling,
        doubleDqn,
        loss,
        learningRate,
        v,
        maxGradNorm,
        targetUpdateInterval,
        tau,
        seed,
        network);
  }

  public LearnerConfig withMaxGradNorm(double v) {
    return new LearnerConfig(
        hiddenSizes,
        dueling,
        doubleDqn,
        loss,
        learningRate,
        adamEps,
        v,
        targetUpdateInterval,
        tau,
        seed,
        network);
  }

  /** Hard copy of the online network every {@code interval} train steps ({@code tau = 1}). */
  public LearnerConfig withHardTargetUpdate(int interval) {
    return new LearnerConfig(
        hiddenSizes,
        dueling,
        doubleDqn,
        loss,
        learningRate,
        adamEps,
        maxGradNorm,
        interval,
        1,
        seed,
        network);
  }

  /** Polyak update after every train step: {@code target = tau * online + (1 - tau) * target}. */
  public LearnerConfig withSoftTargetUpdate(double tau) {
    return new LearnerConfig(
        hiddenSizes,
        dueling,
        doubleDqn,
        loss,
        learningRate,
        adamEps,
        maxGradNorm,
        1,
        tau,
        seed,
        network);
  }

  /** Both target knobs at once, as CleanRL's {@code target_network_frequency} and {@code tau}. */
  public LearnerConfig withTargetUpdate(int interval, double tau) {
    return new LearnerConfig(
        hiddenSizes,
        dueling,
        doubleDqn,
        loss,
        learningRate,
        adamEps,
        maxGradNorm,
        interval,
        tau,
        seed,
        network);
  }

  public LearnerConfig withSeed(long v) {
    return new LearnerConfig(
        hiddenSizes,
        dueling,
        doubleDqn,
        loss,
        learningRate,
        adamEps,
        maxGradNorm,
        targetUpdateInterval,
        tau,
        v,
        network);
  }

  public LearnerConfig withNetwork(Network v) {
    return new LearnerConfig(
        hiddenSizes,
        dueling,
        doubleDqn,
        loss,
        learningRate,
        adamEps,
        maxGradNorm,
        targetUpdateInterval,
        tau,
        seed,
        v);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException("LearnerConfig: " + message);
    }
  }
}
