package io.gymbridge.random;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * Port of NumPy's {@code numpy.random.SeedSequence} (numpy/random/bit_generator.pyx), restricted to
 * a single non-negative integer entropy value, the default pool size of 4 and an empty spawn key.
 *
 * <p>Gymnasium seeds every environment with {@code np.random.SeedSequence(seed)}; reproducing the
 * exact pool mixing and {@code generate_state} output here is what lets a Java environment draw the
 * same numbers as the Python one for the same seed.
 *
 * <p>All arithmetic is uint32 arithmetic held in Java {@code int}s (wrapping multiplication is the
 * same bit pattern for signed and unsigned; right shifts are logical).
 */
public final class SeedSequence {

  /** numpy's {@code DEFAULT_POOL_SIZE}: 4 uint32 words, a 128-bit entropy pool. */
  public static final int POOL_SIZE = 4;

  private static final int INIT_A = 0x43b0d7e5;
  private static final int MULT_A = 0x931e8875;
  private static final int INIT_B = 0x8b51f9dd;
  private static final int MULT_B = 0x58f38ded;
  private static final int MIX_MULT_L = 0xca01f9dd;
  private static final int MIX_MULT_R = 0x4973f715;

  /** numpy: {@code XSHIFT = np.dtype(np.uint32).itemsize * 8 // 2}. */
  private static final int XSHIFT = 16;

  private static final BigInteger MASK32 = BigInteger.valueOf(0xFFFFFFFFL);

  private final BigInteger entropy;
  private final int[] pool;

  /** {@code SeedSequence(seed)} for a non-negative {@code long} seed. */
  public SeedSequence(long seed) {
    this(BigInteger.valueOf(requireNonNegative(seed)));
  }

  /** {@code SeedSequence(seed)} for a non-negative integer seed of any size. */
  public SeedSequence(BigInteger seed) {
    Objects.requireNonNull(seed, "seed");
    if (seed.signum() < 0) {
      throw new IllegalArgumentException("expected non-negative integer, got " + seed);
    }
    this.entropy = seed;
    this.pool = new int[POOL_SIZE];
    mixEntropy(pool, toUint32Words(seed));
  }

  /**
   * {@code SeedSequence()} with no entropy: like numpy ({@code secrets.randbits(pool_size * 32)})
   * it draws a uniformly random 128-bit non-negative integer from the OS, available from {@link
   * #entropy()} so the run can be reported and reproduced.
   */
  public static SeedSequence fromOsEntropy() {
    return fromOsEntropy(new SecureRandom());
  }

  /** As {@link #fromOsEntropy()}, drawing the 128 bits from the given source. */
  public static SeedSequence fromOsEntropy(SecureRandom source) {
    return new SeedSequence(new BigInteger(POOL_SIZE * 32, source));
  }

  /** The entropy this sequence was built from (numpy's {@code SeedSequence.entropy}). */
  public BigInteger entropy() {
    return entropy;
  }

  /** A copy of the mixed pool (numpy's {@code SeedSequence.pool}), as uint32 bit patterns. */
  public int[] pool() {
    return pool.clone();
  }

  /** numpy's {@code generate_state(nWords)} (dtype uint32): uint32 bit patterns in {@code int}s. */
  public int[] generateState(int nWords) {
    if (nWords < 0) {
      throw new IllegalArgumentException("nWords must be non-negative: " + nWords);
    }
    int[] state = new int[nWords];
    int hashConst = INIT_B;
    for (int i = 0; i < nWords; i++) {
      int dataVal = pool[i % POOL_SIZE]; // itertools.cycle(self.pool)
      dataVal ^= hashConst;
      hashConst *= MULT_B;
      dataVal *= hashConst;
      dataVal ^= dataVal >>> XSHIFT;
      state[i] = dataVal;
    }
    return state;
  }

  /**
   * numpy's {@code generate_state(nWords, np.uint64)}: draws {@code 2 * nWords} uint32 words and
   * pairs them little-endian, i.e. word {@code 2i} is the low half and {@code 2i + 1} the high half
   * of 64-bit word {@code i}.
   */
  public long[] generateState64(int nWords) {
    if (nWords < 0) {
      throw new IllegalArgumentException("nWords must be non-negative: " + nWords);
    }
    int[] words = generateState(2 * nWords);
    long[] out = new long[nWords];
    for (int i = 0; i < nWords; i++) {
      out[i] = (words[2 * i] & 0xFFFFFFFFL) | ((long) words[2 * i + 1] << 32);
    }
    return out;
  }

  @Override
  public String toString() {
    return "SeedSequence(entropy=" + entropy + ")";
  }

  /**
   * numpy's {@code _int_to_uint32_array}: least significant 32-bit word first, no trailing zero
   * words, and a single {@code 0} word for zero.
   */
  static int[] toUint32Words(BigInteger n) {
    if (n.signum() == 0) {
      return new int[] {0};
    }
    int[] words = new int[(n.bitLength() + 31) / 32];
    for (int i = 0; i < words.length; i++) {
      words[i] = n.shiftRight(32 * i).and(MASK32).intValue();
    }
    return words;
  }

  /** numpy's {@code SeedSequence.mix_entropy}, modifying {@code mixer} in place. */
  private static void mixEntropy(int[] mixer, int[] entropyArray) {
    int[] hashConst = {INIT_A};

    // Add in the entropy up to the pool size (running the hash on 0 past the entropy's end).
    for (int i = 0; i < mixer.length; i++) {
      mixer[i] = hashmix(i < entropyArray.length ? entropyArray[i] : 0, hashConst);
    }
    // Mix all bits together so late bits can affect earlier bits.
    for (int src = 0; src < mixer.length; src++) {
      for (int dst = 0; dst < mixer.length; dst++) {
        if (src != dst) {
          mixer[dst] = mix(mixer[dst], hashmix(mixer[src], hashConst));
        }
      }
    }
    // Add any remaining entropy, mixing each new entropy word with each pool word.
    for (int src = mixer.length; src < entropyArray.length; src++) {
      for (int dst = 0; dst < mixer.length; dst++) {
        mixer[dst] = mix(mixer[dst], hashmix(entropyArray[src], hashConst));
      }
    }
  }

  /** numpy's {@code hashmix}; the multiplier in {@code hashConst[0]} is updated in place. */
  private static int hashmix(int value, int[] hashConst) {
    value ^= hashConst[0];
    hashConst[0] *= MULT_A;
    value *= hashConst[0];
    value ^= value >>> XSHIFT;
    return value;
  }

  /** numpy's {@code mix}. */
  private static int mix(int x, int y) {
    int result = MIX_MULT_L * x - MIX_MULT_R * y;
    result ^= result >>> XSHIFT;
    return result;
  }

  private static long requireNonNegative(long seed) {
    if (seed < 0) {
      throw new IllegalArgumentException("expected non-negative integer, got " + seed);
    }
    return seed;
  }
}
