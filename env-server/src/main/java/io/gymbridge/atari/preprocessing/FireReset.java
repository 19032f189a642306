package io.gymbridge.atari.preprocessing;

import io.gymbridge.envs.Env;
import io.gymbridge.envs.Transition;
import io.gymbridge.envs.wrappers.EnvWrapper;
import io.gymbridge.v1.Value;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * Stable-Baselines3's {@code FireResetEnv}: games such as Breakout wait for FIRE before play
 * starts, so a reset is followed by one FIRE (action 1) step and one action-2 step; if either ends
 * the episode the env is reset again with the same seed and options. The observation is the last
 * one; reward and flags of those steps are dropped and the info is empty, as SB3 returns {@code
 * (obs, {})}.
 *
 * <p>Only for action sets whose action 1 is FIRE and that have at least 3 actions (SB3 asserts
 * both); {@link AtariPipeline} adds it only when the game's action meanings include FIRE. Placed
 * outside {@link EpisodicLife}, its FIRE also follows every life-loss "reset".
 */
public final class FireReset extends EnvWrapper {
  private static final ByteBuffer FIRE = Actions.discrete(Actions.FIRE);
  private static final ByteBuffer TWO = Actions.discrete(2);

  public FireReset(Env env) {
    super(env);
  }

  @Override
  public void reset(Long seed, Map<String, Value> options, Transition out) {
    env.reset(seed, options, out);
    out.clear();
    env.step(FIRE, out);
    if (out.terminated() || out.truncated()) {
      out.clear();
      env.reset(seed, options, out);
    }
    out.clear();
    env.step(TWO, out);
    if (out.terminated() || out.truncated()) {
      out.clear();
      env.reset(seed, options, out);
    }
    out.clear();
  }
}
