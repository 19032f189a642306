package io.gymbridge.envs.wrappers;

import io.gymbridge.envs.Env;
import io.gymbridge.envs.RgbFrame;
import io.gymbridge.envs.Transition;
import io.gymbridge.v1.Space;
import io.gymbridge.v1.Value;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * Forwards everything to the wrapped env; subclasses override what they change (gymnasium.Wrapper).
 */
public abstract class EnvWrapper implements Env {
  protected final Env env;

  protected EnvWrapper(Env env) {
    this.env = env;
  }

  @Override
  public Space observationSpace() {
    return env.observationSpace();
  }

  @Override
  public Space actionSpace() {
    return env.actionSpace();
  }

  @Override
  public void reset(Long seed, Map<String, Value> options, Transition out) {
    env.reset(seed, options, out);
  }

  @Override
  public void step(ByteBuffer action, Transition out) {
    env.step(action, out);
  }

  @Override
  public RgbFrame render() {
    return env.render();
  }

  @Override
  public boolean costlyStep() {
    return env.costlyStep();
  }

  @Override
  public long baseBytes() {
    return env.baseBytes();
  }

  @Override
  public void close() {
    env.close();
  }
}
