package io.gymbridge.envs.classic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * NumpyMath's pure-Java fast path against the C library it stands in for, bit for bit, and against
 * an exact (BigDecimal) sum of the series. The libm comparisons need the C library (skipped where
 * JNA cannot load it).
 */
class NumpyMathTest {
  private static final int RANDOM_ANGLES = 3_000_000;

  private static final double[] EDGES = {
    0.0,
    Double.MIN_VALUE,
    Double.MIN_NORMAL,
    Math.nextDown(Double.MIN_NORMAL),
    1e-300,
    1e-160, // x^2 subnormal
    0x1p-27, // glibc: cos(x) = 1 below
    Math.nextDown(0x1p-27),
    Math.nextUp(0x1p-27),
    0x1p-26, // glibc: sin(x) = x below
    Math.nextDown(0x1p-26),
    Math.nextUp(0x1p-26),
    1e-8,
    1.0536712127723509e-8, // cos(x) ~ 1 - 2^-54: the midpoint below 1
    1e-4,
    0.125,
    0.126, // glibc switches from its Taylor series to its table
    0.20943951023931953, // CartPole's termination angle
    0.25,
    0.2526802551420787, // sin(x) ~ 0.25, a power of two
    Math.nextDown(0.5),
    0.5,
    Math.nextUp(0.5),
    0.5000001,
    0.6,
    0.855469,
    1.0,
    Math.PI / 2,
    Math.PI,
    10.0,
    1e6,
    1e22,
    1e300,
    Double.MAX_VALUE,
    Double.POSITIVE_INFINITY,
    Double.NaN,
  };

  private static void assertSameBits(double expected, double actual, String what, double x) {
    assertEquals(
        Double.doubleToRawLongBits(expected),
        Double.doubleToRawLongBits(actual),
        () -> what + "(" + x + ") = " + actual + ", expected " + expected);
  }

  /**
   * On Linux the C library must load: were it missing, CartPole would fall back to StrictMath
   * without failing anything, and these tests would only skip. Elsewhere they skip without it.
   */
  private static void requireLibm() {
    if (System.getProperty("os.name").startsWith("Linux")) {
      assertTrue(NumpyMath.isNative(), "libm.so.6 not loaded: CartPole runs on StrictMath");
    } else {
      assumeTrue(NumpyMath.isNative(), "C library not loaded");
    }
  }

  @Test
  void edgeCasesMatchLibmBitForBit() {
    requireLibm();
    for (double e : EDGES) {
      for (double x : new double[] {e, -e}) {
        assertSameBits(NumpyMath.libmSin(x), NumpyMath.sin(x), "sin", x);
        assertSameBits(NumpyMath.libmCos(x), NumpyMath.cos(x), "cos", x);
      }
    }
  }

  @Test
  void fastPathCoversExactlyTheFastRange() {
    // np.sin(0.5), np.cos(0.5); neither is near a rounding midpoint, so the fast path answers
    assertEquals(0.479425538604203, NumpyMath.fastSin(0.5, NumpyMath.MARGIN));
    assertEquals(-0.479425538604203, NumpyMath.fastSin(-0.5, NumpyMath.MARGIN));
    assertEquals(0.8775825618903728, NumpyMath.fastCos(0.5, NumpyMath.MARGIN));
    assertEquals(0.8775825618903728, NumpyMath.fastCos(-0.5, NumpyMath.MARGIN));
    for (double x :
        new double[] {
          Math.nextUp(0.5), -Math.nextUp(0.5), 1.0, 1e300, Double.NaN, Double.NEGATIVE_INFINITY
        }) {
      assertTrue(Double.isNaN(NumpyMath.fastSin(x, NumpyMath.MARGIN)), "sin " + x);
      assertTrue(Double.isNaN(NumpyMath.fastCos(x, NumpyMath.MARGIN)), "cos " + x);
    }
    assertSameBits(-0.0, NumpyMath.fastSin(-0.0, NumpyMath.MARGIN), "fastSin", -0.0);
    assertSameBits(
        -Double.MIN_VALUE, NumpyMath.fastSin(-Double.MIN_VALUE, NumpyMath.MARGIN), "fastSin", 0.0);
    assertSameBits(1.0, NumpyMath.fastCos(-0.0, NumpyMath.MARGIN), "fastCos", -0.0);
  }

  @Test
  void randomAnglesMatchLibmBitForBit() {
    requireLibm();
    SplittableRandom random = new SplittableRandom(20240611);
    long sinFallbacks = 0;
    long cosFallbacks = 0;
    for (int i = 0; i < RANDOM_ANGLES; i++) {
      double tiny = Math.scalb(random.nextDouble(0.5, 1.0), -random.nextInt(60));
      double x =
          switch (i % 4) {
            case 0 -> random.nextDouble(-0.21, 0.21); // CartPole before termination
            case 1 -> random.nextBoolean() ? tiny : -tiny;
            default -> random.nextDouble(-NumpyMath.FAST_MAX, NumpyMath.FAST_MAX);
          };
      double fastSin = NumpyMath.fastSin(x, NumpyMath.MARGIN);
      double fastCos = NumpyMath.fastCos(x, NumpyMath.MARGIN);
      if (Double.isNaN(fastSin)) {
        sinFallbacks++;
      } else {
        assertSameBits(NumpyMath.libmSin(x), fastSin, "sin", x);
      }
      if (Double.isNaN(fastCos)) {
        cosFallbacks++;
      } else {
        assertSameBits(NumpyMath.libmCos(x), fastCos, "cos", x);
      }
    }
    double sinRate = (double) sinFallbacks / RANDOM_ANGLES;
    double cosRate = (double) cosFallbacks / RANDOM_ANGLES;
    System.out.printf(
        "NumpyMath fast path: %d angles, libm fallback sin %.2f%%, cos %.2f%%%n",
        RANDOM_ANGLES, 100 * sinRate, 100 * cosRate);
    // Fallbacks are the angles within MARGIN ulp of a midpoint: about 2 * MARGIN of them.
    assertTrue(sinRate < 3 * NumpyMath.MARGIN, "sin falls back too often: " + sinRate);
    assertTrue(cosRate < 3 * NumpyMath.MARGIN, "cos falls back too often: " + cosRate);
  }

  /**
   * The evaluation itself, not just its rounded result, is within the 2^-12 ulp the class doc
   * claims: with that as margin the fast path answers nearly always, and must still round right.
   * (Under the production margin, errors of up to ~0.06 ulp would go unnoticed.)
   */
  @Test
  void fastPathIsCorrectlyRoundedEvenWithATinyMargin() {
    SplittableRandom random = new SplittableRandom(7);
    int answered = 0;
    for (int i = 0; i < 2_000; i++) {
      double x = i == 0 ? 0.5 : random.nextDouble(0, 0.5);
      double sin = NumpyMath.fastSin(x, 0x1p-12);
      double cos = NumpyMath.fastCos(x, 0x1p-12);
      if (!Double.isNaN(sin)) {
        answered++;
        assertSameBits(taylor(x, true).doubleValue(), sin, "sin", x);
      }
      if (!Double.isNaN(cos)) {
        answered++;
        assertSameBits(taylor(x, false).doubleValue(), cos, "cos", x);
      }
    }
    assertTrue(answered > 3_980, "answered " + answered + " of 4000");
  }

  /** sin or cos of x (|x| <= 0.5) to 40 digits, from its Taylor series. */
  private static BigDecimal taylor(double x, boolean sin) {
    MathContext mc = new MathContext(40);
    BigDecimal x2 = new BigDecimal(x).multiply(new BigDecimal(x), mc);
    BigDecimal term = sin ? new BigDecimal(x) : BigDecimal.ONE;
    BigDecimal sum = term;
    for (int n = sin ? 1 : 0; n < 36; n += 2) { // the next term is below 2^-36 / 37! ~ 1e-54
      term = term.multiply(x2, mc).divide(BigDecimal.valueOf((n + 1) * (n + 2)), mc).negate();
      sum = sum.add(term, mc);
    }
    return sum;
  }
}
