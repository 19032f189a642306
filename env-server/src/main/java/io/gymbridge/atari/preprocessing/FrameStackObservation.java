package io.gymbridge.atari.preprocessing;

import io.gymbridge.codec.ClientText;
import io.gymbridge.codec.InvalidValueException;
import io.gymbridge.codec.Spaces;
import io.gymbridge.codec.Tensors;
import io.gymbridge.envs.Env;
import io.gymbridge.envs.Transition;
import io.gymbridge.envs.wrappers.EnvWrapper;
import io.gymbridge.v1.BoxSpace;
import io.gymbridge.v1.Space;
import io.gymbridge.v1.Tensor;
import io.gymbridge.v1.Value;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * Gymnasium 1.3.0's {@code FrameStackObservation}: the last {@code stack_size} observations, oldest
 * first, as one array of shape {@code (stack_size, *obs_shape)}.
 *
 * <p>On reset the stack is {@code stack_size - 1} paddings then the reset observation. Padding
 * {@code "reset"} (the default) repeats the reset observation; {@code "zero"} uses zeros of the
 * observation's dtype; a custom padding is one element of the wrapped observation space. Each step
 * drops the oldest and appends the new observation. Reward, flags and info pass through.
 *
 * <p>The observation space is Gymnasium's {@code batch_space}: the Box's bounds tiled {@code
 * stack_size} times. Only Box observation spaces can be stacked here (Atari frames are Boxes).
 *
 * <p>The wrapped env writes each observation straight into a ring of frames (one inner transition
 * per slot); a step copies the ring into the caller's slot, oldest first, and allocates nothing.
 */
public final class FrameStackObservation extends EnvWrapper {
  /** Gymnasium's padding types (a custom observation is the third, see the constructor). */
  public enum Padding {
    RESET,
    ZERO;

    /** Parses {@code "reset"} or {@code "zero"}, with Gymnasium's error for anything else. */
    public static Padding parse(String s) {
      return switch (s) {
        case "reset" -> RESET;
        case "zero" -> ZERO;
        default ->
            throw new InvalidValueException(
                "stack_padding",
                "'reset', 'zero' or a custom observation (Gymnasium's padding_type), got "
                    + ClientText.quote(s));
      };
    }
  }

  private final int stackSize;
  private final boolean resetPadding;
  private final byte[] padding;
  private final int frameBytes;
  private final byte[] ring;
  private final Transition[] slots;
  private final Space observationSpace;
  private int newest;

  /** Stacks with {@code "reset"} or {@code "zero"} padding. */
  public FrameStackObservation(Env env, int stackSize, Padding padding) {
    this(env, stackSize, padding == Padding.RESET, null);
  }

  /**
   * Stacks with a custom padding: {@code padding} holds one element of the wrapped observation
   * space, as its little-endian bytes.
   */
  public FrameStackObservation(Env env, int stackSize, byte[] padding) {
    this(env, stackSize, false, padding.clone());
  }

  private FrameStackObservation(Env env, int stackSize, boolean resetPadding, byte[] custom) {
    super(env);
    if (stackSize <= 0) {
      throw new InvalidValueException(
          "frame_stack", "an integer > 0 (Gymnasium's stack_size), got " + stackSize);
    }
    Space inner = env.observationSpace();
    if (inner.getKindCase() != Space.KindCase.BOX) {
      throw new InvalidValueException(
          "frame_stack", "a Box observation space to stack, got " + Spaces.describe(inner));
    }
    this.stackSize = stackSize;
    this.resetPadding = resetPadding;
    this.frameBytes = Spaces.elementBytes(inner);
    if (custom != null && custom.length != frameBytes) {
      throw new InvalidValueException(
          "padding",
          "one element of "
              + Spaces.describe(inner)
              + " ("
              + frameBytes
              + " bytes), got "
              + custom.length
              + " bytes");
    }
    this.padding = custom != null ? custom : new byte[frameBytes];
    this.ring = new byte[stackSize * frameBytes];
    this.slots = new Transition[stackSize];
    for (int i = 0; i < stackSize; i++) {
      slots[i] = new Transition(ring, i * frameBytes, frameBytes);
    }
    this.observationSpace = batchSpace(inner.getBox(), stackSize);
  }

  /**
   * Gymnasium's {@code batch_space(Box, n)}: shape {@code (n, *shape)}, bounds tiled n times (a
   * scalar bound stays a scalar: it broadcasts to the new shape as well).
   */
  private static Space batchSpace(BoxSpace box, int n) {
    long[] shape = new long[box.getShapeCount() + 1];
    shape[0] = n;
    for (int i = 0; i < box.getShapeCount(); i++) {
      shape[i + 1] = box.getShape(i);
    }
    return Spaces.box(
        box.getDtype(), shape, tile(box.getLow(), shape, n), tile(box.getHigh(), shape, n));
  }

  private static Tensor tile(Tensor bound, long[] shape, int n) {
    return Spaces.isScalarBound(bound)
        ? bound
        : Tensors.wrap(bound.getDtype(), shape, tile(bound.getData().toByteArray(), n));
  }

  private static byte[] tile(byte[] one, int n) {
    byte[] all = new byte[one.length * n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(one, 0, all, i * one.length, one.length);
    }
    return all;
  }

  public int stackSize() {
    return stackSize;
  }

  @Override
  public Space observationSpace() {
    return observationSpace;
  }

  @Override
  public void reset(Long seed, Map<String, Value> options, Transition out) {
    newest = stackSize - 1;
    Transition slot = slots[newest];
    slot.clear();
    env.reset(seed, options, slot);
    int obsAt = newest * frameBytes;
    for (int i = 0; i < stackSize - 1; i++) {
      if (resetPadding) {
        System.arraycopy(ring, obsAt, ring, i * frameBytes, frameBytes);
      } else {
        System.arraycopy(padding, 0, ring, i * frameBytes, frameBytes);
      }
    }
    write(out);
    out.info().clear();
    out.info().putAll(slot.info());
  }

  @Override
  public void step(ByteBuffer action, Transition out) {
    newest = newest + 1 == stackSize ? 0 : newest + 1;
    Transition slot = slots[newest];
    slot.clear();
    env.step(action, slot);
    write(out);
    out.setReward(slot.reward());
    out.setTerminated(slot.terminated());
    out.setTruncated(slot.truncated());
    out.info().clear();
    out.info().putAll(slot.info());
  }

  /** The ring, oldest first: the slot after the newest is the oldest. */
  private void write(Transition out) {
    ByteBuffer obs = out.obs();
    int oldest = newest + 1 == stackSize ? 0 : newest + 1;
    int first = (stackSize - oldest) * frameBytes;
    obs.put(0, ring, oldest * frameBytes, first);
    if (oldest > 0) {
      obs.put(first, ring, 0, oldest * frameBytes);
    }
  }
}
