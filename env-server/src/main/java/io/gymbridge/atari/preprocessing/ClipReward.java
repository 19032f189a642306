package io.gymbridge.atari.preprocessing;

import io.gymbridge.envs.Env;
import io.gymbridge.envs.Transition;
import io.gymbridge.envs.wrappers.EnvWrapper;
import java.nio.ByteBuffer;

/**
 * Stable-Baselines3's {@code ClipRewardEnv} (the Nature DQN's reward clipping): the reward becomes
 * its sign, {@code np.sign(float(reward))}: +1, -1, or 0 for zero (both signs); NaN stays NaN.
 * Observations, flags and info pass through, so episode returns reported from infos are the clipped
 * ones only if computed from this wrapper's rewards.
 */
public final class ClipReward extends EnvWrapper {
  public ClipReward(Env env) {
    super(env);
  }

  @Override
  public void step(ByteBuffer action, Transition out) {
    env.step(action, out);
    out.setReward(sign(out.reward()));
  }

  /** numpy's sign for floats: 0.0 for either zero, NaN for NaN. */
  static double sign(double r) {
    return r > 0 ? 1.0 : r < 0 ? -1.0 : r == 0 ? 0.0 : r;
  }
}
