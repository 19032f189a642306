package io.gymbridge.envs.wrappers;

import io.gymbridge.envs.Env;
import io.gymbridge.envs.ResetNeededException;
import io.gymbridge.envs.RgbFrame;
import io.gymbridge.envs.Transition;
import io.gymbridge.v1.Value;
import java.nio.ByteBuffer;
import java.util.Map;

/** Gymnasium's OrderEnforcing: step and render before the first reset are errors. */
public final class OrderEnforcing extends EnvWrapper {
  private boolean hasReset;

  public OrderEnforcing(Env env) {
    super(env);
  }

  @Override
  public void reset(Long seed, Map<String, Value> options, Transition out) {
    env.reset(seed, options, out);
    hasReset = true;
  }

  @Override
  public void step(ByteBuffer action, Transition out) {
    if (!hasReset) {
      throw new ResetNeededException(
          "Cannot call step before reset: call Reset on this session first.");
    }
    env.step(action, out);
  }

  @Override
  public RgbFrame render() {
    if (!hasReset) {
      throw new ResetNeededException(
          "Cannot call render before reset: call Reset on this session first.");
    }
    return env.render();
  }
}
