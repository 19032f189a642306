package io.gymbridge.random;

import java.util.Objects;

/**
 * Port of NumPy's {@code numpy.random.PCG64} bit generator (numpy/random/_pcg64.pyx and
 * numpy/random/src/pcg64/pcg64.h): PCG XSL-RR 128/64, a 128-bit LCG with the default 128-bit
 * multiplier and the XSL-RR output function. This is <em>not</em> {@code PCG64DXSM}.
 *
 * <p>It is what {@code gymnasium.utils.seeding.np_random} wraps, so matching it bit for bit is what
 * gives Gymnasium seeding parity. The 128-bit state and increment are held as two {@code long}s
 * each (high, low) with no allocation on the hot path.
 *
 * <p>Not thread-safe (numpy guards the generator with a lock; callers here must confine it).
 */
public final class Pcg64 {

  /** {@code PCG_DEFAULT_MULTIPLIER_128} = 0x2360ed051fc65da4_4385df649fccf645. */
  private static final long MULT_HIGH = 2549297995355413924L;

  private static final long MULT_LOW = 4865540595714422341L;

  private long stateHigh;
  private long stateLow;
  private long incHigh;
  private long incLow;

  /** numpy's {@code has_uint32} / {@code uinteger}: the high half kept back by {@link #nextInt}. */
  private boolean hasUint32;

  private int uinteger;

  /**
   * {@code PCG64(seedSeq)}: takes {@code seedSeq.generate_state(4, np.uint64)} and, as numpy's
   * {@code pcg64_set_seed} does, treats words 0 and 1 as the high and low halves of {@code
   * initstate} and words 2 and 3 as the high and low halves of {@code initseq}.
   */
  public Pcg64(SeedSequence seedSeq) {
    Objects.requireNonNull(seedSeq, "seedSeq");
    long[] val = seedSeq.generateState64(4);
    seed(val[0], val[1], val[2], val[3]);
  }

  /**
   * {@code PCG64(seed)} for a non-negative integer seed, i.e. {@code PCG64(SeedSequence(seed))}.
   */
  public Pcg64(long seed) {
    this(new SeedSequence(seed));
  }

  /** numpy's {@code pcg_setseq_128_srandom_r}, then {@code _reset_state_variables}. */
  private void seed(long initStateHigh, long initStateLow, long initSeqHigh, long initSeqLow) {
    stateHigh = 0;
    stateLow = 0;
    // inc = (initseq << 1) | 1
    incHigh = (initSeqHigh << 1) | (initSeqLow >>> 63);
    incLow = (initSeqLow << 1) | 1L;
    step();
    // state += initstate
    long low = stateLow + initStateLow;
    stateHigh = stateHigh + initStateHigh + (Long.compareUnsigned(low, stateLow) < 0 ? 1 : 0);
    stateLow = low;
    step();
    hasUint32 = false;
    uinteger = 0;
  }

  /** One LCG step: {@code state = state * MULT + inc (mod 2^128)}. */
  private void step() {
    long sh = stateHigh;
    long sl = stateLow;
    long productHigh = unsignedMultiplyHigh(sl, MULT_LOW) + sl * MULT_HIGH + sh * MULT_LOW;
    long productLow = sl * MULT_LOW;
    long low = productLow + incLow;
    stateHigh = productHigh + incHigh + (Long.compareUnsigned(low, productLow) < 0 ? 1 : 0);
    stateLow = low;
  }

  /** High 64 bits of the unsigned 128-bit product (Java 17 has only the signed multiplyHigh). */
  static long unsignedMultiplyHigh(long a, long b) {
    return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
  }

  /** numpy's {@code next_uint64}: step, then XSL-RR output. Does not touch the 32-bit buffer. */
  public long nextLong() {
    step();
    long high = stateHigh;
    return Long.rotateRight(high ^ stateLow, (int) (high >>> 58));
  }

  /**
   * numpy's {@code next_uint32} ({@code pcg64_next32}): if a half is buffered it is returned;
   * otherwise 64 bits are drawn, the low 32 returned and the high 32 buffered for the next call.
   * The result is a uint32 bit pattern (use {@code Integer.toUnsignedLong} for its value).
   */
  public int nextInt() {
    if (hasUint32) {
      hasUint32 = false;
      return uinteger;
    }
    long next = nextLong();
    hasUint32 = true;
    uinteger = (int) (next >>> 32);
    return (int) next;
  }

  /** numpy's {@code next_double}: {@code (next_uint64 >> 11) * 2^-53}, in [0, 1). */
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** High 64 bits of the 128-bit LCG state (numpy's {@code state['state']['state'] >> 64}). */
  public long stateHigh() {
    return stateHigh;
  }

  /** Low 64 bits of the 128-bit LCG state. */
  public long stateLow() {
    return stateLow;
  }

  /** High 64 bits of the 128-bit increment (numpy's {@code state['state']['inc'] >> 64}). */
  public long incHigh() {
    return incHigh;
  }

  /** Low 64 bits of the 128-bit increment. */
  public long incLow() {
    return incLow;
  }

  /** Whether a high half from {@link #nextInt} is buffered (numpy's {@code has_uint32}). */
  public boolean hasBufferedInt() {
    return hasUint32;
  }
}
