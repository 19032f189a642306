package io.gymbridge.agent.train;

import io.gymbridge.agent.dqn.LearnerConfig;
import io.gymbridge.agent.dqn.TdLoss;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every hyperparameter of a DQN run, in one immutable record (CleanRL style): written to
 * config.json at the start of every run, so a run directory says exactly what produced it.
 *
 * @param envId the env to train on, e.g. "CartPole-v1"
 * @param envKwargs make kwargs for the env ({@code gymnasium.make(envId, **envKwargs)}), e.g.
 *     {"preprocessing": "nature"} for the DQN Atari pipeline on the server
 * @param numEnvs envs stepped as one batch (one forward pass picks all their actions)
 * @param totalSteps env steps to train for (all envs together; the last batch may pass it by up to
 *     numEnvs - 1)
 * @param seed seeds the envs (env i: seed + i), the network init, exploration and replay
 * @param network "auto" (the Nature CNN for uint8 image observations, else the MLP), "mlp" or
 *     "nature-cnn"
 * @param hiddenSizes hidden layer widths of the Q-network MLP (unused by the CNN)
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
 * @param saveReplay whether checkpoints hold the replay buffer (resume then continues exactly);
 *     false keeps an Atari checkpoint at the network's size instead of the buffer's ~7 GB, and a
 *     resumed run refills its buffer for learningStarts steps before it learns again
 * @param episodeStatsFromInfo report episodes from the env's own record, info["episode"] (Gymnasium
 *     RecordEpisodeStatistics' "r" and "l"), instead of summing the rewards the agent sees: under
 *     life-loss termination and reward clipping that is the full game's raw score, as papers,
 *     CleanRL and SB3 report it
 * @param evalEpsilon random-action probability of {@code bin/agent eval} (Nature's Atari protocol:
 *     0.05)
 * @param evalEnvKwargs make kwargs that eval lays over envKwargs, e.g. the Atari protocol's full
 *     games with raw rewards: {"episodic_life": false, "clip_reward": false}
 */
public record TrainConfig(
    String envId,
    Map<String, Object> envKwargs,
    int numEnvs,
    long totalSteps,
    long seed,
    String network,
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
    long checkpointInterval,
    boolean saveReplay,
    boolean episodeStatsFromInfo,
    double evalEpsilon,
    Map<String, Object> evalEnvKwargs) {

  /** The values {@code network} takes. */
  public static final List<String> NETWORKS = List.of("auto", "mlp", "nature-cnn");

  public TrainConfig {
    hiddenSizes = List.copyOf(hiddenSizes);
    envKwargs =
        envKwargs == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(envKwargs));
    evalEnvKwargs =
        evalEnvKwargs == null
            ? Map.of()
            : Collections.unmodifiableMap(new TreeMap<>(evalEnvKwargs));
    require(NETWORKS.contains(network), "network must be one of " + NETWORKS + ", got " + network);
    require(evalEpsilon >= 0 && evalEpsilon <= 1, "evalEpsilon must be in [0, 1]");
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

  /** The learner's part of this config, for float32 vector observations. */
  public LearnerConfig learnerConfig() {
    return learnerConfig(false);
  }

  /**
   * The learner's part of this config; {@code images}: the observations are uint8 images, which
   * "auto" gives the Nature CNN.
   */
  public LearnerConfig learnerConfig(boolean images) {
    LearnerConfig.Network net =
        switch (network) {
          case "mlp" -> LearnerConfig.Network.MLP;
          case "nature-cnn" -> LearnerConfig.Network.NATURE_CNN;
          default -> images ? LearnerConfig.Network.NATURE_CNN : LearnerConfig.Network.MLP;
        };
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
        seed,
        net);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
