package io.gymbridge.envs.classic;

import java.util.SplittableRandom;

/**
 * ns per call of Math.cos/sin, libm's through JNA, and NumpyMath's: a plain loop benchmark (not a
 * test). "throughput" sums independent calls; "latency" feeds each result into the next call's
 * argument, as CartPole's step does. Each case is its own loop, so the call inlines as in
 * CartPoleEnv. Run it after {@code ./mvnw -q -B -pl env-server -am test-compile} with {@code java
 * -cp env-server/target/test-classes:env-server/target/classes:<runtime classpath>
 * io.gymbridge.envs.classic.NumpyMathBench [range]} (angles uniform in +-range, default 0.21).
 */
public final class NumpyMathBench {
  private static final String[] CASES = {
    "Math.cos",
    "Math.sin",
    "libm cos (JNA)",
    "libm sin (JNA)",
    "NumpyMath.cos",
    "NumpyMath.sin",
    "fast path cos",
    "fast path sin" // NumpyMath without the libm fallback (its NaN: 0 in the latency loop)
  };
  private static final int REPS = 400;

  private NumpyMathBench() {}

  public static void main(String[] args) {
    if (!NumpyMath.isNative()) {
      throw new IllegalStateException("C library not loaded");
    }
    double range = args.length > 0 ? Double.parseDouble(args[0]) : 0.21;
    double[] angles = new SplittableRandom(1).doubles(1 << 12, -range, range).toArray();
    double sink = 0;
    System.out.printf("angles uniform in +-%s rad; ns per call%n", range);
    for (int round = 0; round < 5; round++) {
      for (int c = 0; c < CASES.length; c++) {
        long t0 = System.nanoTime();
        for (int r = 0; r < REPS; r++) {
          sink += throughput(c, angles);
        }
        long t1 = System.nanoTime();
        for (int r = 0; r < REPS; r++) {
          sink += latency(c, angles);
        }
        long t2 = System.nanoTime();
        if (round == 4) {
          double calls = (double) REPS * angles.length;
          System.out.printf(
              "%-15s throughput %6.1f   latency %6.1f%n",
              CASES[c], (t1 - t0) / calls, (t2 - t1) / calls);
        }
      }
    }
    System.out.println(sink == 42 ? "" : "(done)");
  }

  private static double throughput(int c, double[] angles) {
    double s = 0;
    switch (c) {
      case 0 -> {
        for (double x : angles) s += Math.cos(x);
      }
      case 1 -> {
        for (double x : angles) s += Math.sin(x);
      }
      case 2 -> {
        for (double x : angles) s += NumpyMath.LibmBinding.cos(x);
      }
      case 3 -> {
        for (double x : angles) s += NumpyMath.LibmBinding.sin(x);
      }
      case 4 -> {
        for (double x : angles) s += NumpyMath.cos(x);
      }
      case 5 -> {
        for (double x : angles) s += NumpyMath.sin(x);
      }
      case 6 -> {
        for (double x : angles) s += NumpyMath.fastCos(x, NumpyMath.MARGIN);
      }
      default -> {
        for (double x : angles) s += NumpyMath.fastSin(x, NumpyMath.MARGIN);
      }
    }
    return s;
  }

  /** Like throughput, but each argument waits for the previous result (y * 2^-1000 adds 0). */
  private static double latency(int c, double[] angles) {
    double y = 0;
    switch (c) {
      case 0 -> {
        for (double x : angles) y = Math.cos(x + y * 0x1p-1000);
      }
      case 1 -> {
        for (double x : angles) y = Math.sin(x + y * 0x1p-1000);
      }
      case 2 -> {
        for (double x : angles) y = NumpyMath.LibmBinding.cos(x + y * 0x1p-1000);
      }
      case 3 -> {
        for (double x : angles) y = NumpyMath.LibmBinding.sin(x + y * 0x1p-1000);
      }
      case 4 -> {
        for (double x : angles) y = NumpyMath.cos(x + y * 0x1p-1000);
      }
      case 5 -> {
        for (double x : angles) y = NumpyMath.sin(x + y * 0x1p-1000);
      }
      case 6 -> {
        for (double x : angles) {
          y = NumpyMath.fastCos(x + y * 0x1p-1000, NumpyMath.MARGIN);
          y = y == y ? y : 0;
        }
      }
      default -> {
        for (double x : angles) {
          y = NumpyMath.fastSin(x + y * 0x1p-1000, NumpyMath.MARGIN);
          y = y == y ? y : 0;
        }
      }
    }
    return y;
  }
}
