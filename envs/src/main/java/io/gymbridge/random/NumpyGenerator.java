package io.gymbridge.random;

import java.math.BigInteger;
import java.util.Objects;

/**
 * A small facade mirroring {@code numpy.random.Generator} over {@link Pcg64}: the scalar forms of
 * {@code random()}, {@code uniform(low, high)} and {@code integers(low, high)} with numpy's default
 * int64 dtype, following numpy/random/_generator.pyx, _bounded_integers.pyx.in and
 * src/distributions/distributions.c.
 *
 * <p>{@link #fromSeed(long)} mirrors {@code gymnasium.utils.seeding.np_random(seed)}, so a Java
 * environment seeded with the same integer draws exactly the values its Gymnasium counterpart
 * draws.
 *
 * <p>Not thread-safe, like the underlying bit generator.
 */
public final class NumpyGenerator {

  private final Pcg64 bitGenerator;
  private final BigInteger seedEntropy;

  /** {@code np.random.Generator(np.random.PCG64(seedSeq))}. */
  public NumpyGenerator(SeedSequence seedSeq) {
    Objects.requireNonNull(seedSeq, "seedSeq");
    this.bitGenerator = new Pcg64(seedSeq);
    this.seedEntropy = seedSeq.entropy();
  }

  /**
   * {@code gymnasium.utils.seeding.np_random(seed)}: {@code Generator(PCG64(SeedSequence(seed)))}.
   *
   * @throws IllegalArgumentException if {@code seed} is negative (Gymnasium raises {@code Error})
   */
  public static NumpyGenerator fromSeed(long seed) {
    if (seed < 0) {
      throw new IllegalArgumentException(
          "Seed must be greater or equal to zero, actual value: " + seed);
    }
    return new NumpyGenerator(new SeedSequence(seed));
  }

  /** As {@link #fromSeed(long)}, for a Python-style integer seed of any size. */
  public static NumpyGenerator fromSeed(BigInteger seed) {
    Objects.requireNonNull(seed, "seed");
    if (seed.signum() < 0) {
      throw new IllegalArgumentException(
          "Seed must be greater or equal to zero, actual value: " + seed);
    }
    return new NumpyGenerator(new SeedSequence(seed));
  }

  /**
   * {@code gymnasium.utils.seeding.np_random(None)}: seeded from 128 bits of OS entropy; {@link
   * #seedEntropy()} reports them (Gymnasium's returned {@code np_seed}).
   */
  public static NumpyGenerator fromOsEntropy() {
    return new NumpyGenerator(SeedSequence.fromOsEntropy());
  }

  /**
   * The seed sequence's entropy: the {@code np_seed} that Gymnasium's {@code np_random} returns.
   */
  public BigInteger seedEntropy() {
    return seedEntropy;
  }

  /** The underlying bit generator (numpy's {@code Generator.bit_generator}). */
  public Pcg64 bitGenerator() {
    return bitGenerator;
  }

  /** {@code Generator.random()}: one double in [0, 1). */
  public double random() {
    return bitGenerator.nextDouble();
  }

  /**
   * {@code Generator.uniform(low, high)}: {@code low + (high - low) * next_double}, evaluated in
   * that order with no fused multiply-add. As numpy warns, rounding can make the result equal
   * {@code high} for some ranges; it is never below {@code low}.
   *
   * @throws ArithmeticException if {@code high - low} is not finite (numpy's {@code OverflowError})
   * @throws IllegalArgumentException if {@code high - low < 0} (numpy's {@code ValueError})
   */
  public double uniform(double low, double high) {
    double range = high - low;
    if (!Double.isFinite(range)) {
      throw new ArithmeticException("high - low range exceeds valid bounds");
    }
    // numpy's CONS_NON_NEGATIVE check: signbit(range) and not NaN (NaN was rejected above).
    if (Double.doubleToRawLongBits(range) < 0) {
      throw new IllegalArgumentException("high - low < 0");
    }
    return low + range * bitGenerator.nextDouble();
  }

  /**
   * {@code Generator.integers(low, high)} with numpy's defaults ({@code dtype=np.int64}, {@code
   * endpoint=False}): one value in [low, high), by Lemire's bounded method.
   *
   * @throws IllegalArgumentException if {@code low >= high} (numpy's {@code ValueError})
   */
  public long integers(long low, long high) {
    return integers(low, high, false);
  }

  /**
   * {@code Generator.integers(low, high, endpoint=endpoint)} for int64: [low, high] when {@code
   * endpoint}, else [low, high).
   *
   * @throws IllegalArgumentException if the interval is empty (numpy's {@code ValueError})
   */
  public long integers(long low, long high, boolean endpoint) {
    if (endpoint ? low > high : low >= high) {
      throw new IllegalArgumentException(
          (endpoint ? "low > high" : "low >= high") + " (low=" + low + ", high=" + high + ")");
    }
    long closedHigh = endpoint ? high : high - 1;
    // numpy: rng = <uint64_t>(high - low), off = <uint64_t>low; the wrap-around is intended.
    long rng = closedHigh - low;
    return BoundedIntegers.boundedUint64(bitGenerator, low, rng);
  }
}
