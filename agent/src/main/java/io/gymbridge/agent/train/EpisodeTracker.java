package io.gymbridge.agent.train;

import io.gymbridge.client.StepBatch;

/**
 * Per-env episode bookkeeping over the step batches of a {@link io.gymbridge.client.BatchedEnv},
 * shared by training and evaluation: each env's running return and length, where its episodes end,
 * and which entries are no transition at all.
 *
 * <p>Autoreset is Gymnasium's NEXT_STEP ({@link StepBatch}): the step after env i's episode ended
 * carries only the reset observation (reward 0, flags false), and an env restarted by a reconnect
 * starts a new episode whose first observation likewise ends no step. Both are an {@link
 * Step#EPISODE_START}: not a transition, and the (lost or finished) episode's totals start again
 * from zero.
 */
public final class EpisodeTracker {
  /** What one env's entry in a step batch is. */
  public enum Step {
    /**
     * The first observation of a new episode, not a transition: the NEXT_STEP autoreset step after
     * an episode ended, or a restart by a reconnect (the lost partial episode is dropped).
     */
    EPISODE_START,
    /** A transition inside an episode. */
    TRANSITION,
    /**
     * The transition that ended the episode (terminated or truncated); {@link #episodeReturn} and
     * {@link #episodeLength} hold the episode's totals until the env's next entry.
     */
    EPISODE_END
  }

  private final double[] returns;
  private final int[] lengths;
  private final boolean[] ended;

  /** For a batch of {@code numEnvs} envs just reset: every env at the start of an episode. */
  public EpisodeTracker(int numEnvs) {
    returns = new double[numEnvs];
    lengths = new int[numEnvs];
    ended = new boolean[numEnvs];
  }

  /**
   * Reads env {@code env}'s entry of the next step batch: call it once per env for every batch
   * after the reset, in order. A transition's reward is added to the episode's return.
   */
  public Step observe(StepBatch batch, int env) {
    if (batch.restarted()[env] || ended[env]) {
      ended[env] = false;
      returns[env] = 0;
      lengths[env] = 0;
      return Step.EPISODE_START;
    }
    returns[env] += batch.rewards()[env];
    lengths[env]++;
    if (batch.terminated()[env] || batch.truncated()[env]) {
      ended[env] = true;
      return Step.EPISODE_END;
    }
    return Step.TRANSITION;
  }

  /** Sum of env {@code env}'s rewards in its episode so far (at an EPISODE_END: in all). */
  public double episodeReturn(int env) {
    return returns[env];
  }

  /** Transitions of env {@code env}'s episode so far (at an EPISODE_END: in all). */
  public int episodeLength(int env) {
    return lengths[env];
  }
}
