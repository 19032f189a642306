package io.gymbridge.random;

/**
 * Port of NumPy's {@code random_bounded_uint64} with {@code use_masked=false}
 * (numpy/random/src/distributions/distributions.c): Lemire's nearly-divisionless bounded method,
 * switching to the 32-bit variant (which draws through the bit generator's buffered {@code
 * next_uint32}) when the range fits in 32 bits. {@code Generator.integers} uses this for int64, so
 * matching it keeps Gymnasium's integer draws (e.g. {@code np_random.integers}) in parity.
 *
 * <p>All values are uint64/uint32 bit patterns held in {@code long}/{@code int}.
 */
final class BoundedIntegers {

  private static final long UINT32_MAX = 0xFFFFFFFFL;

  private BoundedIntegers() {}

  /**
   * A value in the closed interval [off, off + rng] (uint64, wrapping). {@code rng == 0} returns
   * {@code off} without consuming randomness.
   */
  static long boundedUint64(Pcg64 bitGen, long off, long rng) {
    if (rng == 0) {
      return off;
    } else if (Long.compareUnsigned(rng, UINT32_MAX) <= 0) {
      if (rng == UINT32_MAX) {
        // The 32-bit Lemire method cannot take rng = 0xFFFFFFFF; numpy draws next_uint32 directly.
        return off + Integer.toUnsignedLong(bitGen.nextInt());
      }
      return off + Integer.toUnsignedLong(lemireUint32(bitGen, (int) rng));
    } else if (rng == -1L) {
      // Lemire64 cannot take rng = 0xFFFFFFFFFFFFFFFF either.
      return off + bitGen.nextLong();
    } else {
      return off + lemireUint64(bitGen, rng);
    }
  }

  /** numpy's {@code bounded_lemire_uint64}: a value in [0, rng], rng != 2^64 - 1. */
  static long lemireUint64(Pcg64 bitGen, long rng) {
    long rngExcl = rng + 1;
    long x = bitGen.nextLong();
    long leftover = x * rngExcl; // low 64 bits of the 128-bit product
    if (Long.compareUnsigned(leftover, rngExcl) < 0) {
      // rngExcl is a simple upper bound for threshold.
      long threshold = Long.remainderUnsigned(-1L - rng, rngExcl); // (UINT64_MAX - rng) % rngExcl
      while (Long.compareUnsigned(leftover, threshold) < 0) {
        x = bitGen.nextLong();
        leftover = x * rngExcl;
      }
    }
    return Pcg64.unsignedMultiplyHigh(x, rngExcl);
  }

  /** numpy's {@code buffered_bounded_lemire_uint32}: a value in [0, rng], rng != 2^32 - 1. */
  static int lemireUint32(Pcg64 bitGen, int rng) {
    long rngExcl = Integer.toUnsignedLong(rng) + 1; // fits in 32 bits since rng != 0xFFFFFFFF
    long m = Integer.toUnsignedLong(bitGen.nextInt()) * rngExcl; // < 2^64, no overflow as uint64
    long leftover = m & UINT32_MAX;
    if (leftover < rngExcl) {
      long threshold = (UINT32_MAX - Integer.toUnsignedLong(rng)) % rngExcl;
      while (leftover < threshold) {
        m = Integer.toUnsignedLong(bitGen.nextInt()) * rngExcl;
        leftover = m & UINT32_MAX;
      }
    }
    return (int) (m >>> 32);
  }
}
