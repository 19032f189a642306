package io.gymbridge.examples.corridor;

import io.gymbridge.codec.InvalidValueException;
import io.gymbridge.codec.Spaces;
import io.gymbridge.envs.Args;
import io.gymbridge.envs.Env;
import io.gymbridge.envs.EnvRandom;
import io.gymbridge.envs.ResetNeededException;
import io.gymbridge.envs.RgbFrame;
import io.gymbridge.envs.Transition;
import io.gymbridge.v1.Space;
import io.gymbridge.v1.Value;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * Walk to the end of a corridor: the smallest env that still needs credit assignment, as an example
 * of an env plugin for the Java env-server.
 *
 * <h2>Description</h2>
 *
 * The agent stands in cell 0 of a corridor of {@code length} cells and must reach the last one. The
 * floor is slippery: with probability {@code slip} a step goes the other way.
 *
 * <h2>Action space</h2>
 *
 * {@code Discrete(2)}: 0 steps left (a wall stops it at cell 0), 1 steps right.
 *
 * <h2>Observation space</h2>
 *
 * {@code Box(float32, 0, 1, [length])}: a one-hot vector of the agent's cell.
 *
 * <h2>Rewards</h2>
 *
 * +1.0 for the step that reaches the last cell, -0.01 for every other step: the best return is
 * {@code 1 - 0.01 * (length - 2)} (0.94 for the default length 8).
 *
 * <h2>Starting state and seeding</h2>
 *
 * Always cell 0. The slips are drawn from the env's numpy-compatible generator ({@link EnvRandom}),
 * seeded as Gymnasium seeds {@code np_random}: the same seed and actions give the same episode.
 *
 * <h2>Episode end</h2>
 *
 * Terminated on reaching the last cell; truncated by the registration's time limit (100 steps).
 *
 * <h2>Arguments</h2>
 *
 * {@code length} (int, 2..1000, default 8), {@code slip} (float, 0..1, default 0.0); no reset
 * options. render_mode "rgb_array": one row of cells, the agent's cell white.
 */
public final class CorridorEnv implements Env {
  static final double STEP_REWARD = -0.01;
  static final double GOAL_REWARD = 1.0;

  private final int length;
  private final double slip;
  private final Space observationSpace;
  private final EnvRandom random = new EnvRandom();
  private int cell = -1; // -1: no reset yet

  CorridorEnv(int length, double slip) {
    this.length = length;
    this.slip = slip;
    float[] low = new float[length];
    float[] high = new float[length];
    Arrays.fill(high, 1f);
    this.observationSpace = Spaces.boxFloat32(low, high, length);
  }

  /** Builds the env from its make kwargs, checked before anything is built. */
  static CorridorEnv fromKwargs(Args kwargs) {
    long length = kwargs.getLong("length", 8);
    if (length < 2 || length > 1000) {
      throw new InvalidValueException("kwargs of Corridor-v0['length']", "2..1000, got " + length);
    }
    double slip = kwargs.getDouble("slip", 0.0);
    if (!(slip >= 0 && slip <= 1)) {
      throw new InvalidValueException("kwargs of Corridor-v0['slip']", "0..1, got " + slip);
    }
    return new CorridorEnv((int) length, slip);
  }

  @Override
  public Space observationSpace() {
    return observationSpace;
  }

  @Override
  public Space actionSpace() {
    return Spaces.discrete(2);
  }

  @Override
  public void reset(Long seed, Map<String, Value> options, Transition out) {
    new Args("options of Corridor-v0", options, Set.of()); // takes none: names any given
    random.onReset(seed);
    cell = 0;
    writeObservation(out);
  }

  @Override
  public void step(ByteBuffer action, Transition out) {
    if (cell < 0) {
      throw new ResetNeededException("Call reset before using step method.");
    }
    boolean right = action.getLong(0) == 1;
    if (slip > 0 && random.generator().random() < slip) {
      right = !right;
    }
    cell = right ? Math.min(cell + 1, length - 1) : Math.max(cell - 1, 0);
    boolean atGoal = cell == length - 1;
    out.setReward(atGoal ? GOAL_REWARD : STEP_REWARD);
    out.setTerminated(atGoal);
    writeObservation(out);
  }

  private void writeObservation(Transition out) {
    ByteBuffer obs = out.obs();
    for (int i = 0; i < length; i++) {
      obs.putFloat(4 * i, i == cell ? 1f : 0f);
    }
  }

  @Override
  public RgbFrame render() {
    int side = 8;
    byte[] rgb = new byte[side * side * length * 3];
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side * length; x++) {
        boolean agent = x / side == cell;
        boolean border = x % side == 0 || y == 0 || y == side - 1;
        byte v = (byte) (agent ? 255 : border ? 64 : 0);
        int p = 3 * (y * side * length + x);
        rgb[p] = v;
        rgb[p + 1] = v;
        rgb[p + 2] = v;
      }
    }
    return new RgbFrame(side, side * length, rgb);
  }
}
