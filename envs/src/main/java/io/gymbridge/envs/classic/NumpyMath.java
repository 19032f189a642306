package io.gymbridge.envs.classic;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import org.slf4j.LoggerFactory;

/**
 * sin and cos as numpy computes them for float64, that is as the C library's {@code sin}/{@code
 * cos} return them. Java's {@link Math#sin} is not correctly rounded and differs from glibc by one
 * ulp for about 0.1-0.3% of CartPole's angles; one such step makes a trajectory drift from
 * Gymnasium's within a few hundred steps.
 *
 * <p><b>Fast path</b> ({@code |x| <= 0.5}: CartPole's angles until termination). The Taylor series
 * through x^17 (sin) or x^18 (cos) is summed with {@code z = x*x} split exactly into {@code zh +
 * zl}: its tail {@code p} in double, the last three Horner steps in double-double ({@link
 * Math#fma}). Then {@code hi + lo} is within 2^-65 |f| of the exact value f: the truncated terms
 * are below 2^-74 |f|; p's rounding errors (< 5u |p|, u = 2^-53, |p| < 2^-11) reach f multiplied by
 * z^2 <= 2^-4; the double-double steps add O(u^2). As ulp(f) >= 2^-53 |f|, the error is below 2^-12
 * ulp (measured: 2^-14.4). Tiny x, where x^3 underflows, give sin x = x and cos x = 1 exactly.
 *
 * <p><b>Same bits as libm.</b> glibc's sin/cos for |x| < 0.855 return one rounding of an
 * approximation of f; their documented maximum errors, 0.548 ulp (0.518 for sin and 0.51 for cos in
 * do_sin/do_cos), put that approximation within 0.048 ulp of f. If {@code hi + lo} is at least
 * {@link #MARGIN} = 0.0625 ulp from the rounding midpoints next to its rounding r, f is at least
 * 0.062 ulp from them, glibc's approximation cannot cross one, and glibc returns r: f correctly
 * rounded. Otherwise (2 * MARGIN = 12.5% of angles) the fast path gives up and calls libm.
 * NumpyMathTest checks both bit for bit on millions of angles.
 *
 * <p>Outside the fast range, and for NaN/inf, libm is called through JNA (~100 ns a call). If the C
 * library cannot be loaded, {@link StrictMath} replaces it and a warning is logged once: the env
 * still works, but long trajectories may differ from Gymnasium's in the last bits.
 */
final class NumpyMath {
  /** Largest |x| the pure-Java path evaluates. */
  static final double FAST_MAX = 0.5;

  /** Least distance, in ulps, from a rounding midpoint at which the fast path answers. */
  static final double MARGIN = 0x1p-4;

  // Taylor coefficients (-1)^k / n!: doubles, and for the double-double steps hi + lo pairs
  // (lo = the exact 1/n! minus hi, rounded).
  private static final double S3_HI = -1.0 / 6, S3_LO = -0x1.5555555555555p-57;
  private static final double S5_HI = 1.0 / 120, S5_LO = 0x1.1111111111111p-63;
  private static final double S7 = -1.0 / 5040, S9 = 1.0 / 362880, S11 = -1.0 / 39916800;
  private static final double S13 = 1.0 / 6227020800L, S15 = -1.0 / 1307674368000L;
  private static final double S17 = 1.0 / 355687428096000L;
  private static final double C4_HI = 1.0 / 24, C4_LO = 0x1.5555555555555p-59;
  private static final double C6 = -1.0 / 720, C8 = 1.0 / 40320, C10 = -1.0 / 3628800;
  private static final double C12 = 1.0 / 479001600, C14 = -1.0 / 87178291200L;
  private static final double C16 = 1.0 / 20922789888000L, C18 = -1.0 / 6402373705728000L;

  private static final boolean NATIVE = register();

  private NumpyMath() {}

  private static boolean register() {
    try {
      Native.register(
          LibmBinding.class, Platform.isLinux() ? "libm.so.6" : Platform.MATH_LIBRARY_NAME);
      return true;
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      LoggerFactory.getLogger(NumpyMath.class)
          .warn(
              "cannot load the C math library ({}); CartPole uses StrictMath sin/cos, whose last "
                  + "bits can differ from numpy's",
              e.toString());
      return false;
    }
  }

  static double sin(double x) {
    double r = fastSin(x, MARGIN);
    return r == r ? r : libmSin(x);
  }

  static double cos(double x) {
    double r = fastCos(x, MARGIN);
    return r == r ? r : libmCos(x);
  }

  /** True when sin/cos come from the C library (bit-exact with numpy on this platform). */
  static boolean isNative() {
    return NATIVE;
  }

  static double libmSin(double x) {
    return NATIVE ? LibmBinding.sin(x) : StrictMath.sin(x);
  }

  static double libmCos(double x) {
    return NATIVE ? LibmBinding.cos(x) : StrictMath.cos(x);
  }

  /** sin(x) correctly rounded; NaN if |x| > FAST_MAX or sin(x) is within margin of a midpoint. */
  static double fastSin(double x, double margin) {
    double a = Math.abs(x);
    if (!(a <= FAST_MAX)) {
      return Double.NaN;
    }
    double zh = a * a, zl = Math.fma(a, a, -zh);
    // sin a = a + a z (S3 + z (S5 + p)), with p = z (S7 + z (S9 + ...)) in double
    double q = Math.fma(zh, Math.fma(zh, Math.fma(zh, S17, S15), S13), S11);
    double p = zh * Math.fma(zh, Math.fma(zh, q, S9), S7);
    double bh = S5_HI + p, bl = (S5_HI - bh) + p + S5_LO; // b = S5 + p
    double ph = zh * bh, pl = Math.fma(zh, bh, -ph) + (zh * bl + zl * bh); // z b
    double ah = S3_HI + ph, al = (S3_HI - ah) + ph + (pl + S3_LO); // c = S3 + z b
    double yh = a * zh, yl = Math.fma(a, zh, -yh) + a * zl; // a z
    double th = yh * ah, tl = Math.fma(yh, ah, -th) + (yh * al + yl * ah); // a z c
    double hi = a + th, lo = (a - hi) + th + tl;
    return Math.copySign(roundedOrNaN(hi, lo, margin), x);
  }

  /** cos(x) correctly rounded; NaN if |x| > FAST_MAX or cos(x) is within margin of a midpoint. */
  static double fastCos(double x, double margin) {
    double a = Math.abs(x);
    if (!(a <= FAST_MAX)) {
      return Double.NaN;
    }
    double zh = a * a, zl = Math.fma(a, a, -zh);
    // cos a = 1 + z (-1/2 + z (C4 + p)), with p = z (C6 + z (C8 + ...)) in double
    double q = Math.fma(zh, Math.fma(zh, Math.fma(zh, C18, C16), C14), C12);
    double p = zh * Math.fma(zh, Math.fma(zh, Math.fma(zh, q, C10), C8), C6);
    double bh = C4_HI + p, bl = (C4_HI - bh) + p + C4_LO; // b = C4 + p
    double ph = zh * bh, pl = Math.fma(zh, bh, -ph) + (zh * bl + zl * bh); // z b
    double ah = -0.5 + ph, al = (-0.5 - ah) + ph + pl; // c = -1/2 + z b
    double th = zh * ah, tl = Math.fma(zh, ah, -th) + (zh * al + zl * ah); // z c
    double hi = 1 + th, lo = (1 - hi) + th + tl;
    return roundedOrNaN(hi, lo, margin);
  }

  /**
   * hi + lo rounded, r, if hi + lo is at least margin ulps from the midpoints next to r, else NaN.
   * The rest d = hi + lo - r (exact: Fast2Sum) scaled by 0.5 / (0.5 - margin) reaches a midpoint
   * iff d is within margin of it, measured in the gap next to r on d's side (half as wide below a
   * power of two, as it should be).
   */
  private static double roundedOrNaN(double hi, double lo, double margin) {
    double r = hi + lo, d = (hi - r) + lo;
    return r + d * (0.5 / (0.5 - margin)) == r ? r : Double.NaN;
  }

  /** JNA direct mapping of libm. */
  static final class LibmBinding {
    private LibmBinding() {}

    static native double sin(double x);

    static native double cos(double x);
  }
}
