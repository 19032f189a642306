package io.gymbridge.envs;

import io.gymbridge.v1.Space;
import io.gymbridge.v1.Value;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * One environment with gymnasium.Env's semantics, shaped for batching: observations are written
 * into a caller-owned slot ({@link Transition#obs()}) so a vector session steps many envs into one
 * buffer without copies.
 *
 * <p>The Java envs here have array spaces (Box, Discrete, MultiDiscrete, MultiBinary); an
 * observation or action is the little-endian bytes of one element of its space. Not thread-safe:
 * one thread at a time per env.
 */
public interface Env extends AutoCloseable {
  Space observationSpace();

  Space actionSpace();

  /**
   * gymnasium's {@code env.reset(seed=seed, options=options)}: {@code seed == null} continues the
   * env's RNG (drawing OS entropy the first time). Writes the first observation and the info into
   * {@code out}; leaves reward and flags alone.
   *
   * @throws io.gymbridge.codec.InvalidValueException for options the env does not take
   */
  void reset(Long seed, Map<String, Value> options, Transition out);

  /**
   * gymnasium's {@code env.step(action)}: {@code action} holds one element of the action space
   * (already checked against it). Writes observation, reward, flags and info into {@code out}.
   */
  void step(ByteBuffer action, Transition out);

  /** The current frame for render_mode "rgb_array". */
  RgbFrame render();

  /**
   * Whether a step costs enough (an emulator frame or more, ~0.1 ms and up) that a vector session
   * should spread its envs over threads; handing off a cheap step (CartPole: 0.1 us) costs more
   * than it saves. Wrappers answer for the env they wrap.
   */
  default boolean costlyStep() {
    return false;
  }

  /**
   * Memory the env holds beyond its observations, in bytes: an emulator's state, native buffers.
   * The server adds the observation buffers and charges the sum against its memory budget for envs
   * before it makes a session; an estimate is enough. Wrappers answer for the env they wrap.
   */
  default long baseBytes() {
    return 0;
  }

  /** Frees native resources; the default has none. */
  @Override
  default void close() {}
}
