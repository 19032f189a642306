package io.gymbridge.agent.train;

/**
 * The exploration rate of epsilon-greedy action selection as a function of the global env step
 * (CleanRL's {@code global_step}: steps summed over all envs).
 */
public sealed interface EpsilonSchedule {
  /** Epsilon at {@code step >= 0}. */
  double value(long step);

  /**
   * Linear decay then constant, as Mnih et al. (2015) and CleanRL's {@code linear_schedule}:
   *
   * <pre>
   *   epsilon(t) = start + (end - start) * t / durationSteps   for t &lt; durationSteps
   *              = end                                         after
   * </pre>
   *
   * Nature DQN: 1.0 to 0.1 over 1M frames. CleanRL's dqn.py: 1.0 to 0.05 over half the run, see
   * {@link EpsilonSchedule#linear(double, double, double, long)}.
   */
  record Linear(double start, double end, long durationSteps) implements EpsilonSchedule {
    public Linear {
      checkProbability("start", start);
      checkProbability("end", end);
      if (durationSteps < 0) {
        throw new IllegalArgumentException("durationSteps must be >= 0, got " + durationSteps);
      }
    }

    @Override
    public double value(long step) {
      checkStep(step);
      if (step >= durationSteps) {
        return end;
      }
      return start + (end - start) * ((double) step / durationSteps);
    }
  }

  /**
   * Exponential decay towards {@code end}, as the PyTorch DQN tutorial:
   *
   * <pre>
   *   epsilon(t) = end + (start - end) * exp(-t / decaySteps)
   * </pre>
   *
   * It never quite reaches {@code end}; after {@code decaySteps} it has covered 1 - 1/e (63%) of
   * the way. The tutorial uses start 0.9, end 0.05 (0.01 in later versions), decaySteps 1000 (later
   * 2500).
   */
  record Exponential(double start, double end, double decaySteps) implements EpsilonSchedule {
    public Exponential {
      checkProbability("start", start);
      checkProbability("end", end);
      if (!(decaySteps > 0) || Double.isInfinite(decaySteps)) {
        throw new IllegalArgumentException("decaySteps must be finite and > 0, got " + decaySteps);
      }
    }

    @Override
    public double value(long step) {
      checkStep(step);
      return end + (start - end) * Math.exp(-step / decaySteps);
    }
  }

  /**
   * CleanRL's parametrization: from {@code start} to {@code end} over the first {@code fraction} of
   * {@code totalSteps} (its {@code exploration_fraction}), rounded to whole steps.
   */
  static Linear linear(double start, double end, double fraction, long totalSteps) {
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new IllegalArgumentException("fraction must be in [0, 1], got " + fraction);
    }
    if (totalSteps < 0) {
      throw new IllegalArgumentException("totalSteps must be >= 0, got " + totalSteps);
    }
    return new Linear(start, end, Math.round(fraction * totalSteps));
  }

  private static void checkProbability(String name, double p) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException(name + " must be in [0, 1], got " + p);
    }
  }

  private static void checkStep(long step) {
    if (step < 0) {
      throw new IllegalArgumentException("step must be >= 0, got " + step);
    }
  }
}
