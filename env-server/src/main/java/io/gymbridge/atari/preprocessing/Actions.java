package io.gymbridge.atari.preprocessing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Fixed Discrete actions (NOOP, FIRE...) as the wire form an Env takes: one int64, little-endian.
 */
final class Actions {
  static final int NOOP = 0;
  static final int FIRE = 1;

  private Actions() {}

  /** A read-only buffer holding {@code action}; wrappers make theirs once and reuse it. */
  static ByteBuffer discrete(long action) {
    ByteBuffer b = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(0, action);
    return b.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }
}
