package io.gymbridge.agent.eval;

import io.gymbridge.agent.dqn.DqnLearner;
import io.gymbridge.agent.train.EpisodeTracker;
import io.gymbridge.agent.train.PolicyEvaluation;
import io.gymbridge.client.BatchedEnv;
import io.gymbridge.client.StepBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Runs a policy for exactly N episodes on a batch of envs. Each env gets a fixed quota of episodes
 * up front: taking "the first N to finish" instead would favour short episodes. Returns are the
 * sums of the rewards the envs pay: for the Atari protocol, make the envs without life-loss
 * termination and reward clipping (a run's evalEnvKwargs) so an episode is a full game and its
 * return the raw score.
 */
public final class Evaluator {
  private Evaluator() {}

  /** Returns and lengths of the evaluated episodes. */
  public record Result(List<Double> returns, List<Integer> lengths) {
    public double meanReturn() {
      return returns.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    public double stdReturn() {
      double m = meanReturn();
      return Math.sqrt(returns.stream().mapToDouble(r -> (r - m) * (r - m)).average().orElse(0));
    }

    public double meanLength() {
      return lengths.stream().mapToInt(Integer::intValue).average().orElse(Double.NaN);
    }

    public double medianReturn() {
      double[] sorted = returns.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      int n = sorted.length;
      return n == 0 ? Double.NaN : (sorted[(n - 1) / 2] + sorted[n / 2]) / 2;
    }

    public double minReturn() {
      return returns.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    public double maxReturn() {
      return returns.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    /** This result as the trainer logs an evaluation during training. */
    public PolicyEvaluation.Score score() {
      return new PolicyEvaluation.Score(
          returns.size(),
          meanReturn(),
          stdReturn(),
          medianReturn(),
          minReturn(),
          maxReturn(),
          meanLength());
    }
  }

  /**
   * Plays {@code episodes} episodes, greedy except with probability {@code epsilon} a random action
   * (0 for a purely greedy evaluation).
   */
  public static Result run(
      BatchedEnv env, DqnLearner learner, int episodes, double epsilon, long seed) {
    int n = env.numEnvs();
    int[] quota = new int[n];
    for (int e = 0; e < episodes; e++) {
      quota[e % n]++;
    }
    Random random = new Random(seed);
    EpisodeTracker tracker = new EpisodeTracker(n);
    List<Double> returns = new ArrayList<>();
    List<Integer> lengths = new ArrayList<>();
    StepBatch obs = env.reset(seed);
    while (returns.size() < episodes) {
      int[] actions = greedyActions(learner, obs, n);
      for (int i = 0; i < n; i++) {
        if (random.nextDouble() < epsilon) {
          actions[i] = random.nextInt(env.numActions());
        }
      }
      obs = env.step(actions);
      for (int i = 0; i < n; i++) {
        if (tracker.observe(obs, i) == EpisodeTracker.Step.EPISODE_END && quota[i] > 0) {
          quota[i]--;
          returns.add(tracker.episodeReturn(i));
          lengths.add(tracker.episodeLength(i));
        }
      }
    }
    return new Result(returns, lengths);
  }

  /** The learner's greedy actions for a batch's observations, float32 or uint8. */
  public static int[] greedyActions(DqnLearner learner, StepBatch batch, int n) {
    return batch.obsBytes() != null
        ? learner.greedyActions(batch.obsBytes(), n)
        : learner.greedyActions(batch.obs(), n);
  }
}
