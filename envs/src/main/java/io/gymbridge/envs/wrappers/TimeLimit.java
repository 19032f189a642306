package io.gymbridge.envs.wrappers;

import io.gymbridge.envs.Env;
import io.gymbridge.envs.Transition;
import io.gymbridge.v1.Value;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * Gymnasium's TimeLimit: sets {@code truncated} once {@code maxEpisodeSteps} steps have been taken
 * since the last reset (and on every later step, as Gymnasium's counter keeps counting).
 */
public final class TimeLimit extends EnvWrapper {
  private final int maxEpisodeSteps;
  private int elapsedSteps;

  public TimeLimit(Env env, int maxEpisodeSteps) {
    super(env);
    if (maxEpisodeSteps <= 0) {
      throw new IllegalArgumentException("max_episode_steps must be > 0, got " + maxEpisodeSteps);
    }
    this.maxEpisodeSteps = maxEpisodeSteps;
  }

  @Override
  public void reset(Long seed, Map<String, Value> options, Transition out) {
    elapsedSteps = 0;
    env.reset(seed, options, out);
  }

  @Override
  public void step(ByteBuffer action, Transition out) {
    env.step(action, out);
    elapsedSteps++;
    if (elapsedSteps >= maxEpisodeSteps) {
      out.setTruncated(true);
    }
  }
}
