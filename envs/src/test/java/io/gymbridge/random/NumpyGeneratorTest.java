package io.gymbridge.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class NumpyGeneratorTest {

  /*
   *   import numpy as np
   *   from gymnasium.utils import seeding
   *   g, _ = seeding.np_random(7)
   *   [float(g.random()).hex() for _ in range(5)]
   */
  @Test
  void randomMatchesNumpyBitForBit() {
    double[] expected = {
      0x1.400c8353e3ca9p-1,
      0x1.cb5f9b795e4cdp-1,
      0x1.8d26acbf2815fp-1,
      0x1.cd396d5eab510p-3,
      0x1.335eca6438dd4p-2,
    };
    NumpyGenerator g = NumpyGenerator.fromSeed(7);
    for (double e : expected) {
      assertEquals(Double.doubleToRawLongBits(e), Double.doubleToRawLongBits(g.random()));
    }
  }

  /*
   * CartPole-style state initialisation. Regenerate with:
   *
   *   for s in range(6):
   *       g, _ = seeding.np_random(s)
   *       print(", ".join("0x%016xL" % int(x)
   *                       for x in g.uniform(-0.05, 0.05, size=4).view(np.uint64)))
   */
  private static final long[][] UNIFORM_BITS = {
    {0x3f8c0cbca647ced0L, 0xbf9792e736320f47L, 0xbfa7808d4489d6d2L, 0xbfa8c0f80ec8f29dL},
    {0x3f535e59496dac00L, 0x3fa7105158c043bcL, 0xbfa2381235316a62L, 0x3fa6f889bc9088e2L},
    {0xbf986931e2dd6eaaL, 0xbf94a26f0b8e683aL, 0x3fa0169e9fe1fcbeL, 0xbfa4e4d6e0827eb8L},
    {0xbfa536faaf3cd9daL, 0xbf9af35acaba6ce0L, 0x3f9ed9bab612925cL, 0x3f80d3a82e4b9e68L},
    {0x3fa6af3998becb3aL, 0x3f528f1eb8d74760L, 0x3fa86238b4302682L, 0xbfa57610e9ce5245L},
    {0x3f9f3b77f9117d28L, 0x3f9f887ba868b83cL, 0x3f591c0196335dc0L, 0xbf95ef169af2aa00L},
  };

  @Test
  void uniformMatchesNumpyBitForBit() {
    for (int seed = 0; seed < UNIFORM_BITS.length; seed++) {
      NumpyGenerator g = NumpyGenerator.fromSeed(seed);
      long[] got = new long[4];
      for (int i = 0; i < got.length; i++) {
        got[i] = Double.doubleToRawLongBits(g.uniform(-0.05, 0.05));
      }
      assertArrayEquals(UNIFORM_BITS[seed], got, "seed " + seed);
    }
  }

  /*
   * Range fits in 32 bits: 32-bit Lemire over the buffered next_uint32 (two values per 64-bit draw).
   *
   *   g, _ = seeding.np_random(3); [int(g.integers(1, 31)) for _ in range(20)]
   */
  @Test
  void smallRangeIntegersMatchNumpy() {
    long[] expected = {25, 3, 6, 8, 6, 25, 27, 18, 2, 3, 10, 13, 19, 15, 8, 5, 21, 23, 1, 4};
    assertArrayEquals(expected, draw(NumpyGenerator.fromSeed(3), 1, 31, expected.length));
  }

  /*
   * Range wider than 32 bits: 64-bit Lemire over next_uint64.
   *
   *   g, _ = seeding.np_random(3); [int(g.integers(0, 2**40)) for _ in range(5)]
   */
  @Test
  void wideRangeIntegersMatchNumpy() {
    long[] expected = {94172255183L, 260375905581L, 881010591534L, 640093927902L, 103495536650L};
    assertArrayEquals(expected, draw(NumpyGenerator.fromSeed(3), 0, 1L << 40, expected.length));
  }

  /*
   * Ranges of 3 * 2^30 and 3 * 2^62 reject about a quarter of the draws, exercising the threshold
   * loops of both Lemire variants.
   *
   *   g, _ = seeding.np_random(3); [int(g.integers(0, 3*2**30)) for _ in range(20)]
   *   g, _ = seeding.np_random(3); [int(g.integers(-2**63, 2**62)) for _ in range(20)]
   */
  @Test
  void lemireRejectionPathsMatchNumpy() {
    long[] expected32 = {
      275895278L, 578019063L, 762820035L, 584216872L, 2581085717L, 1875275178L, 126913354L,
      1070096069L, 1395199532L, 2001114985L, 1543132243L, 852942552L, 514555060L, 2227209829L,
      2366238630L, 105296063L, 1456401909L, 1260234212L, 2859884529L, 2146413539L,
    };
    assertArrayEquals(expected32, draw(NumpyGenerator.fromSeed(3), 0, 3L << 30, 20));
    long[] expected64 = {
      -5947084929996955913L, 1862306707490894120L, -7921096806793966774L, -3231035673376432443L,
      -2595669515618052247L, -7013374879163031848L, 939545498975503973L, -7650713041980968769L,
      -3810707308484301323L, -2074241610791100431L, -1104979734251459613L, 984656585713193207L,
      4006640950167951818L, 408816696092958319L, -5173563480281337143L, -9202756645002808304L,
      4244507379049471498L, -5094973792649099567L, -4879357470163781275L, 3113502391291777293L,
    };
    assertArrayEquals(expected64, draw(NumpyGenerator.fromSeed(3), Long.MIN_VALUE, 1L << 62, 20));
  }

  /*
   * rng == 0xFFFFFFFF takes next_uint32 directly.
   *
   *   g, _ = seeding.np_random(3); [int(g.integers(0, 2**32)) for _ in range(5)]
   */
  @Test
  void fullUint32RangeUsesNextUint32LikeNumpy() {
    long[] expected = {3485385464L, 367860371L, 770692085L, 1017093381L, 778955830L};
    assertArrayEquals(expected, draw(NumpyGenerator.fromSeed(3), 0, 1L << 32, expected.length));
  }

  /*
   * random() draws 64 bits and leaves numpy's 32-bit buffer alone, so integers() calls around it
   * pair up across the random() call.
   *
   *   g, _ = seeding.np_random(3)
   *   g.random(), int(g.integers(1,31)), g.random(), int(g.integers(1,31)),
   *   int(g.integers(1,31)), g.random()
   */
  @Test
  void mixedRandomAndIntegersCallsShareNumpysBuffer() {
    NumpyGenerator g = NumpyGenerator.fromSeed(3);
    assertEquals(0.08564916714362436, g.random());
    assertEquals(6, g.integers(1, 31));
    assertEquals(0.8012744652063969, g.random());
    assertEquals(8, g.integers(1, 31));
    assertEquals(27, g.integers(1, 31));
    assertEquals(0.09412864224039919, g.random());
  }

  @Test
  void singleValueRangeReturnsLowWithoutConsumingRandomness() {
    NumpyGenerator g = NumpyGenerator.fromSeed(11);
    NumpyGenerator fresh = NumpyGenerator.fromSeed(11);
    assertEquals(5, g.integers(5, 6));
    assertEquals(Long.MIN_VALUE, g.integers(Long.MIN_VALUE, Long.MIN_VALUE + 1));
    assertEquals(fresh.bitGenerator().nextLong(), g.bitGenerator().nextLong());
  }

  @Test
  void invalidArgumentsAreRejectedLikeNumpy() {
    NumpyGenerator g = NumpyGenerator.fromSeed(0);
    assertThrows(IllegalArgumentException.class, () -> g.integers(3, 3));
    assertThrows(IllegalArgumentException.class, () -> g.integers(4, 3));
    assertThrows(IllegalArgumentException.class, () -> g.uniform(1.0, 0.0));
    assertThrows(ArithmeticException.class, () -> g.uniform(-Double.MAX_VALUE, Double.MAX_VALUE));
    assertThrows(ArithmeticException.class, () -> g.uniform(0.0, Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> NumpyGenerator.fromSeed(-1));
  }

  @Test
  void fromSeedReportsTheSeedAsEntropy() {
    assertEquals(BigInteger.valueOf(42), NumpyGenerator.fromSeed(42).seedEntropy());
    BigInteger big = BigInteger.ONE.shiftLeft(64).add(BigInteger.valueOf(3));
    assertEquals(big, NumpyGenerator.fromSeed(big).seedEntropy());
  }

  @Test
  void unseededGeneratorReportsEntropyThatReproducesIt() {
    NumpyGenerator g = NumpyGenerator.fromOsEntropy();
    NumpyGenerator replay = NumpyGenerator.fromSeed(g.seedEntropy());
    for (int i = 0; i < 10; i++) {
      assertEquals(g.random(), replay.random());
    }
  }

  private static long[] draw(NumpyGenerator g, long low, long high, int n) {
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = g.integers(low, high);
    }
    return out;
  }
}
