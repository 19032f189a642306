package io.gymbridge.agent.dqn;

import java.util.List;
import java.util.Objects;

/**
 * The hyperparameters {@link DqnLearner} takes: the learner's part of the run's config, derived by
 * {@code TrainConfig.learnerConfig} (agent/.../train/TrainConfig.java), where each of them is
 * declared once with its default, meaning and rules. This record has no defaults of its own and
 * does not check values again: build one from a TrainConfig (tests too: defaults or a preset, with
 * changes).
 *
 * <p>The target network follows CleanRL's two knobs: every {@code targetUpdateInterval} train steps
 * it becomes {@code tau * online + (1 - tau) * target}. {@code tau = 1} is a hard copy (Nature DQN,
 * bit-exact); {@code targetUpdateInterval = 1} with a small {@code tau} is a Polyak (soft) update
 * after every step. The discount is not here: it comes with each {@code Batch} (n-step, terminal).
 *
 * @param targetUpdateInterval train steps (learner calls, not env steps) between target updates
 * @param seed seeds the initial weights (drawn in Java, independent of the engine's global RNG)
 * @param network the architecture, resolved: {@link Network#MLP} or {@link Network#NATURE_CNN}
 * @param precision the layers' number type; {@link Precision#AUTO} is resolved by the learner for
 *     its device ({@link Precision#resolve})
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
    /** The Nature CNN for uint8 image observations, else the MLP: resolved by the run's config. */
    AUTO,
    /** Linear+ReLU layers of {@code hiddenSizes}: vector observations. */
    MLP,
    /** Mnih et al. (2015): three convolutions and 512 units: uint8 [C, H, W] image stacks. */
    NATURE_CNN
  }

  public LearnerConfig {
    hiddenSizes = List.copyOf(hiddenSizes);
    Objects.requireNonNull(loss, "loss");
    Objects.requireNonNull(precision, "precision");
    if (network == null || network == Network.AUTO) {
      throw new IllegalArgumentException("the learner takes MLP or NATURE_CNN, got " + network);
    }
  }
}
