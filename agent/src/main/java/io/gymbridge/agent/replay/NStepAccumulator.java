package io.gymbridge.agent.replay;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * Turns one env's steps into n-step transitions (Sutton 1988; Hessel et al. 2018's Rainbow), one
 * accumulator per env.
 *
 * <p>The transition from step t is emitted once its n rewards are known:
 *
 * <pre>
 *   reward   = r_t + gamma r_{t+1} + ... + gamma^(n-1) r_{t+n-1}
 *   nextObs  = s_{t+n}
 *   discount = gamma^n
 * </pre>
 *
 * When the episode ends after m &lt; n further steps, every pending transition is flushed with its
 * shorter sum and {@code nextObs} the final observation: if TERMINATED the discount is 0 (there is
 * no value after a terminal state), if only TRUNCATED it is gamma^m, because the time limit cut an
 * episode whose final state still has a value to bootstrap from. With n = 1 this is exactly the
 * one-step transition (r, s', gamma or 0).
 *
 * <p>With Gymnasium's NEXT_STEP autoreset the step after an episode ends carries the reset
 * observation and no transition (see {@link io.gymbridge.client.StepBatch}): do not push it. Call
 * {@link #clear()} when the env is restarted by a reconnect, so that steps of the lost episode are
 * not joined to the new one.
 */
public final class NStepAccumulator {
  private record Pending(float[] obs, int action, double reward) {}

  private final int n;
  private final double gamma;
  private final Consumer<NStepTransition> sink;
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();

  /**
   * @param n steps per return, at least 1
   * @param gamma discount factor in [0, 1]
   * @param sink receives each completed transition, e.g. {@code replay::add}
   */
  public NStepAccumulator(int n, double gamma, Consumer<NStepTransition> sink) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be at least 1, got " + n);
    }
    if (!(gamma >= 0 && gamma <= 1)) {
      throw new IllegalArgumentException("gamma must be in [0, 1], got " + gamma);
    }
    this.n = n;
    this.gamma = gamma;
    this.sink = sink;
  }

  /**
   * Records one step and emits the transitions it completes: the one from n - 1 steps ago, or every
   * pending one when the episode ended. A step both terminated and truncated counts as terminated.
   * The arrays are copied, so the caller may reuse them.
   */
  public void push(
      float[] obs,
      int action,
      double reward,
      float[] nextObs,
      boolean terminated,
      boolean truncated) {
    pending.addLast(new Pending(obs.clone(), action, reward));
    float[] next = nextObs.clone();
    if (terminated || truncated) {
      while (!pending.isEmpty()) {
        emitOldest(next, terminated);
      }
    } else if (pending.size() == n) {
      emitOldest(next, false);
    }
  }

  /** Emits the oldest pending step with the discounted sum of all pending rewards. */
  private void emitOldest(float[] nextObs, boolean terminated) {
    double ret = 0;
    double discount = 1;
    for (Pending p : pending) {
      ret += discount * p.reward();
      discount *= gamma;
    }
    Pending first = pending.removeFirst();
    sink.accept(
        new NStepTransition(
            first.obs(), first.action(), (float) ret, nextObs, terminated ? 0f : (float) discount));
  }

  /** Drops the pending steps without emitting them (the env was restarted). */
  public void clear() {
    pending.clear();
  }

  /** Steps pushed but not yet emitted: at most n - 1. */
  public int pending() {
    return pending.size();
  }
}
