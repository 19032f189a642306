package io.gymbridge.envs;

import io.gymbridge.codec.Spaces;
import io.gymbridge.v1.Space;
import io.gymbridge.v1.Value;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A test env whose every output tells where it is: the observation is float32 {@code [episode, t,
 * seed or -1]} (episode counts resets from 1, t counts steps since the last reset), the reward is
 * t, and it terminates when t reaches {@code terminateAt} (never when 0). Stepping on after
 * termination keeps counting, as Gymnasium envs may. It records every action.
 */
public final class ScriptedEnv implements Env {
  private static final Space OBSERVATION =
      Spaces.boxFloat32(new float[] {0, 0, -1}, new float[] {1e6f, 1e6f, 1e6f}, 3);

  private final int terminateAt;
  private final List<Long> actions = new ArrayList<>();
  private int episode;
  private int t;
  private long seed = -1;
  private int closes;

  public ScriptedEnv(int terminateAt) {
    this.terminateAt = terminateAt;
  }

  public static int observationBytes() {
    return 12;
  }

  @Override
  public Space observationSpace() {
    return OBSERVATION;
  }

  @Override
  public Space actionSpace() {
    return Spaces.discrete(2);
  }

  @Override
  public void reset(Long seed, Map<String, Value> options, Transition out) {
    new Args("options of ScriptedEnv", options, Set.of());
    if (seed != null) {
      this.seed = seed;
    }
    episode++;
    t = 0;
    write(out);
    out.info().put("episode", Value.newBuilder().setIntValue(episode).build());
  }

  @Override
  public void step(ByteBuffer action, Transition out) {
    actions.add(action.getLong(0));
    t++;
    write(out);
    out.setReward(t);
    out.setTerminated(terminateAt > 0 && t >= terminateAt);
  }

  private void write(Transition out) {
    out.obs().putFloat(0, episode);
    out.obs().putFloat(4, t);
    out.obs().putFloat(8, seed);
  }

  @Override
  public RgbFrame render() {
    return new RgbFrame(1, 1, new byte[] {(byte) episode, (byte) t, 0});
  }

  @Override
  public void close() {
    closes++;
  }

  public List<Long> actions() {
    return actions;
  }

  public int closes() {
    return closes;
  }

  /** {@code [episode, t, seed]} as written to an observation slot. */
  public static float[] read(ByteBuffer le, int offset) {
    return new float[] {le.getFloat(offset), le.getFloat(offset + 4), le.getFloat(offset + 8)};
  }
}
