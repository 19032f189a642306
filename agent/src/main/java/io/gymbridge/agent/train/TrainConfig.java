package io.gymbridge.agent.train;

import io.gymbridge.agent.dqn.LearnerConfig;
import io.gymbridge.agent.dqn.TdLoss;
import java.util.List;

/**
 * Every hyperparameter of a DQN run, in one immutable record (CleanRL style): written to
 * config.json at the start of every run, so a run directory says exactly what produced it.
 *
 * @param envId the env to train on, e.g. "CartPole-v1"
 * @param numEnvs envs stepped as one batch (one forward pass picks all their actions)
 * @param totalSteps env steps to train for (all envs together; the last batch may pass it by up to
 *     numEnvs - 1)
 * @param seed seeds the envs (env i: seed + i), the network init, exploration and replay
 * @param hiddenSizes hidden layer widths of the Q-network MLP
 * @param dueling Dueling head: Q = V + A - mean(A) (Wang et al. 2016)
 * @param doubleDqn Double DQN targets: the online net picks a', the target net values it
 * @param huberLoss Huber (smooth L1, delta 1) loss; false: mean squared error
 * @param learningRate Adam's step size
 * @param adamEps Adam's epsilon
 * @param maxGradNorm global gradient-norm clip; 0 turns it off
 * @param gamma discount factor
 * @param nStep n-step returns (1: plain one-step DQN)
 * @param bufferSize replay capacity in transitions
 * @param prioritized proportional prioritized replay (Schaul et al. 2016); false: uniform
 * @param priorityAlpha how much priorities count (0: uniform)
 * @param priorityBetaStart importance-sampling exponent at the start, annealed linearly to 1
 * @param batchSize transitions per gradient step
 * @param learningStarts env steps of pure exploration before the first update
 * @param trainFrequency env steps between rounds of updates
 * @param gradientSteps gradient steps per round
 * @param targetUpdateInterval gradient steps between target updates
 * @param tau target update weight: 1 copies (hard update), below 1 blends (soft, Polyak)
 * @param epsilonStart exploration rate at the start
 * @param epsilonEnd exploration rate at the end
 * @param epsilonFraction linear schedule: fraction of totalSteps to go from start to end
 * @param epsilonDecay if > 0, exponential schedule: end + (start - end) * exp(-step / decay)
 * @param checkpointInterval env steps between checkpoints (0: only at the end)
 */
public record TrainConfig(
    String envId,
    int numEnvs,
    long totalSteps,
    long seed,
    List<Integer> hiddenSizes,
    boolean dueling,
    boolean doubleDqn,
    boolean huberLoss,
    double learningRate,
    double adamEps,
    double maxGradNorm,
    double gamma,
    int nStep,
    int bufferSize,
    boolean prioritized,
    double priorityAlpha,
    double priorityBetaStart,
    int batchSize,
    long learningStarts,
    int trainFrequency,
    int gradientSteps,
    int targetUpdateInterval,
    double tau,
    double epsilonStart,
    double epsilonEnd,
    double epsilonFraction,
    double epsilonDecay,
    long checkpointInterval) {

  public TrainConfig {
    hiddenSizes = List.copyOf(hiddenSizes);
    require(numEnvs > 0, "num-envs must be > 0");
    require(totalSteps > 0, "total-steps must be > 0");
    require(
        !hiddenSizes.isEmpty() && hiddenSizes.stream().allMatch(h -> h > 0),
        "hidden sizes must be positive, got " + hiddenSizes);
    require(learningRate > 0, "learning-rate must be > 0");
    require(gamma >= 0 && gamma <= 1, "gamma must be in [0, 1]");
    require(nStep >= 1, "n-step must be >= 1");
    require(bufferSize >= batchSize, "buffer-size must be >= batch-size");
    require(batchSize > 0, "batch-size must be > 0");
    require(
        trainFrequency > 0 && gradientSteps > 0, "train-frequency and gradient-steps must be > 0");
    require(targetUpdateInterval > 0, "target-update-interval must be > 0");
    require(tau > 0 && tau <= 1, "tau must be in (0, 1]");
    require(
        epsilonStart >= 0 && epsilonStart <= 1 && epsilonEnd >= 0 && epsilonEnd <= 1,
        "epsilons must be in [0, 1]");
    require(maxGradNorm >= 0, "max-grad-norm must be >= 0");
  }

  /** The learner's part of this config. */
  public LearnerConfig learnerConfig() {
    return new LearnerConfig(
        hiddenSizes,
        dueling,
        doubleDqn,
        huberLoss ? TdLoss.HUBER : TdLoss.MSE,
        learningRate,
        adamEps,
        maxGradNorm,
        targetUpdateInterval,
        tau,
        seed);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
