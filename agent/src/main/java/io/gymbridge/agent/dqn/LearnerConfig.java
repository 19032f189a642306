package io.gymbridge.agent.dqn;

import java.util.List;

/**
 * Every hyperparameter of {@link DqnLearner}, immutable and validated in one place, the
 * constructor, whose messages name the field and its bad value. Each field's default and meaning
 * are listed once, side by side, in {@link Builder}; the defaults ({@link #defaults()}) are
 * CleanRL's dqn.py for CartPole. Change fields with {@link #toBuilder()}.
 *
 * <p>The target network follows CleanRL's two knobs: every {@code targetUpdateInterval} train steps
 * it becomes {@code tau * online + (1 - tau) * target}. {@code tau = 1} is a hard copy (Nature DQN,
 * bit-exact); {@code targetUpdateInterval = 1} with a small {@code tau} is a Polyak (soft) update
 * after every step. The discount is not here: it comes with each {@code Batch} (n-step, terminal).
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
    Network network,
    Precision precision,
    boolean forkTarget) {

  /** The Q-network architectures. */
  public enum Network {
    /** Linear+ReLU layers of {@code hiddenSizes}: vector observations. */
    MLP,
    /** Mnih et al. (2015): three convolutions and 512 units: uint8 [C, H, W] image stacks. */
    NATURE_CNN
  }

  public LearnerConfig {
    require(hiddenSizes != null, "hiddenSizes must be set (empty for a linear Q)");
    hiddenSizes = List.copyOf(hiddenSizes);
    require(
        hiddenSizes.stream().allMatch(h -> h > 0),
        "hiddenSizes must be positive, got " + hiddenSizes);
    require(loss != null, "loss must be set (HUBER or MSE)");
    require(
        learningRate > 0 && Double.isFinite(learningRate),
        "learningRate must be > 0, got " + learningRate);
    require(adamEps > 0 && Double.isFinite(adamEps), "adamEps must be > 0, got " + adamEps);
    require(
        maxGradNorm >= 0 && Double.isFinite(maxGradNorm),
        "maxGradNorm must be >= 0 (0 = off), got " + maxGradNorm);
    require(
        targetUpdateInterval >= 1,
        "targetUpdateInterval must be >= 1 train steps, got " + targetUpdateInterval);
    require(tau > 0 && tau <= 1, "tau must be in (0, 1], got " + tau);
    require(network != null, "network must be set (MLP or NATURE_CNN)");
    require(precision != null, "precision must be set (AUTO, FP32, BF16 or FP16)");
  }

  /** CleanRL dqn.py, as {@link Builder} lists it. */
  public static LearnerConfig defaults() {
    return builder().build();
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this config's fields, to change some of them. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Every field with its default (CleanRL dqn.py) and meaning. Setters change fields by name;
   * {@link #build} validates them all (the constructor does).
   */
  public static final class Builder {
    /** Widths of the hidden Linear+ReLU layers, input side first; empty: a linear Q. */
    private List<Integer> hiddenSizes = List.of(120, 84);

    /** Q = V + A - mean(A) from a value and an advantage stream (Wang et al. 2016). */
    private boolean dueling = false;

    /** Target action chosen by the online network, valued by the target network. */
    private boolean doubleDqn = false;

    /** Elementwise loss on the TD error: HUBER (smooth L1, delta 1) or MSE. */
    private TdLoss loss = TdLoss.MSE;

    /** Adam step size. */
    private double learningRate = 2.5e-4;

    /** Adam's epsilon, added to sqrt(v) (PyTorch 1e-8; Atari presets often use 1e-4..1.5e-4). */
    private double adamEps = 1e-8;

    /** Clip the global L2 norm of all gradients to this (torch clip_grad_norm_); 0: off. */
    private double maxGradNorm = 0;

    /**
     * Train steps (learner calls, not env steps) between target updates, >= 1; 50 is CleanRL's 500
     * env steps at one train step per 10 env steps.
     */
    private int targetUpdateInterval = 50;

    /** Weight of the online network in a target update, in (0, 1]; 1: hard copy. */
    private double tau = 1;

    /** Seeds the initial weights (drawn in Java, independent of the engine's global RNG). */
    private long seed = 1;

    /**
     * The architecture: an MLP of {@code hiddenSizes} for vector observations, or the Nature CNN
     * for uint8 image stacks ({@code hiddenSizes} unused).
     */
    private Network network = Network.MLP;

    /**
     * The number type of the network's layers: FP32, BF16 or FP16 (mixed precision: parameters,
     * optimizer, targets and loss stay fp32), or AUTO: BF16 for the Nature CNN where the device
     * runs it fast, FP32 elsewhere ({@link Precision#resolve}).
     */
    private Precision precision = Precision.AUTO;

    /**
     * Compute the TD target (the networks' forward passes on s') on libtorch's inter-op thread,
     * beside the online network's forward and backward pass on s: a second core's work per update.
     */
    private boolean forkTarget = false;

    private Builder() {}

    private Builder(LearnerConfig c) {
      hiddenSizes = c.hiddenSizes;
      dueling = c.dueling;
      doubleDqn = c.doubleDqn;
      loss = c.loss;
      learningRate = c.learningRate;
      adamEps = c.adamEps;
      maxGradNorm = c.maxGradNorm;
      targetUpdateInterval = c.targetUpdateInterval;
      tau = c.tau;
      seed = c.seed;
      network = c.network;
      precision = c.precision;
      forkTarget = c.forkTarget;
    }

    public Builder hiddenSizes(List<Integer> value) {
      hiddenSizes = value;
      return this;
    }

    public Builder dueling(boolean value) {
      dueling = value;
      return this;
    }

    public Builder doubleDqn(boolean value) {
      doubleDqn = value;
      return this;
    }

    public Builder loss(TdLoss value) {
      loss = value;
      return this;
    }

    public Builder learningRate(double value) {
      learningRate = value;
      return this;
    }

    public Builder adamEps(double value) {
      adamEps = value;
      return this;
    }

    public Builder maxGradNorm(double value) {
      maxGradNorm = value;
      return this;
    }

    public Builder targetUpdateInterval(int value) {
      targetUpdateInterval = value;
      return this;
    }

    public Builder tau(double value) {
      tau = value;
      return this;
    }

    /** Hard copy of the online network every {@code interval} train steps ({@code tau = 1}). */
    public Builder hardTargetUpdate(int interval) {
      return targetUpdateInterval(interval).tau(1);
    }

    /** Polyak update after every train step: {@code target = tau * online + (1 - tau) * target}. */
    public Builder softTargetUpdate(double value) {
      return targetUpdateInterval(1).tau(value);
    }

    public Builder seed(long value) {
      seed = value;
      return this;
    }

    public Builder network(Network value) {
      network = value;
      return this;
    }

    public Builder precision(Precision value) {
      precision = value;
      return this;
    }

    public Builder forkTarget(boolean value) {
      forkTarget = value;
      return this;
    }

    public LearnerConfig build() {
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
          network,
          precision,
          forkTarget);
    }
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
