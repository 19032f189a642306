package io.gymbridge.envs;

import io.gymbridge.v1.Value;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where an env writes the result of one reset or step: an observation slot (a little-endian view
 * into a vector session's batch buffer), the reward, the two end flags and the info dict. One
 * instance per env, reused for every step; {@link #clear()} runs before each call.
 */
public final class Transition {
  private final ByteBuffer obs;
  private final Map<String, Value> info = new LinkedHashMap<>();
  private double reward;
  private boolean terminated;
  private boolean truncated;
  private boolean discardsObservation;

  /** A transition whose observation occupies {@code length} bytes of {@code batch} at offset. */
  public Transition(byte[] batch, int offset, int length) {
    this.obs = ByteBuffer.wrap(batch, offset, length).slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** A transition with its own observation buffer (single envs, tests). */
  public static Transition ofSize(int obsBytes) {
    return new Transition(new byte[obsBytes], 0, obsBytes);
  }

  /**
   * A transition whose observation nobody reads: an env may leave {@link #obs()} unwritten. For
   * wrappers that read the screen from the console instead (AtariPreprocessing), so the env beneath
   * does not render 100 KB of RGB per emulator frame only to have it thrown away.
   */
  public static Transition discardingObservation(int obsBytes) {
    Transition t = ofSize(obsBytes);
    t.discardsObservation = true;
    return t;
  }

  /** Whether the observation is never read, so writing it is wasted work (it is still allowed). */
  public boolean discardsObservation() {
    return discardsObservation;
  }

  /** The observation slot: absolute puts at index 0.. in the observation space's dtype. */
  public ByteBuffer obs() {
    return obs;
  }

  public Map<String, Value> info() {
    return info;
  }

  public double reward() {
    return reward;
  }

  public boolean terminated() {
    return terminated;
  }

  public boolean truncated() {
    return truncated;
  }

  public void setReward(double reward) {
    this.reward = reward;
  }

  public void setTerminated(boolean terminated) {
    this.terminated = terminated;
  }

  public void setTruncated(boolean truncated) {
    this.truncated = truncated;
  }

  /** Resets reward, flags and info; the observation is overwritten by the next call anyway. */
  public void clear() {
    reward = 0.0;
    terminated = false;
    truncated = false;
    if (!info.isEmpty()) {
      info.clear();
    }
  }
}
