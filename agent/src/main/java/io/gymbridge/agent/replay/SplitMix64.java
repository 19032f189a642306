package io.gymbridge.agent.replay;

/**
 * Steele, Lea and Flood's SplitMix64: a seeded RNG whose whole state is one {@code long}, so a
 * checkpoint can save it and a resumed run draws the same numbers.
 *
 * <p>{@link java.util.SplittableRandom} has the same {@link #nextLong()} stream for the same seed
 * but hides its state; this class exists only to expose it ({@link #state()}, {@link
 * #fromState(long)}). Not thread-safe.
 */
public final class SplitMix64 {
  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

  private long state;

  /** Seeds the generator; equal seeds give equal streams. */
  public SplitMix64(long seed) {
    this.state = seed;
  }

  /** Resumes a generator from a {@link #state()} saved earlier. */
  public static SplitMix64 fromState(long state) {
    return new SplitMix64(state);
  }

  /** The whole generator state: save it to resume the stream exactly. */
  public long state() {
    return state;
  }

  public long nextLong() {
    long z = (state += GOLDEN_GAMMA);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Uniform in [0, 1) with 53 random bits. */
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /**
   * Uniform in [0, bound), without modulo bias: draws of 31 bits that fall in the incomplete last
   * block are rejected, as {@link java.util.Random#nextInt(int)} does.
   */
  public int nextInt(int bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be positive, got " + bound);
    }
    int bits;
    int value;
    do {
      bits = (int) (nextLong() >>> 33);
      value = bits % bound;
    } while (bits - value + (bound - 1) < 0);
    return value;
  }
}
