package io.gymbridge.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Pcg64Test {

  /*
   * Regenerate with numpy 2.x:
   *
   *   import numpy as np
   *   for s in [0, 42, 123456789]:
   *       bg = np.random.PCG64(np.random.SeedSequence(s))
   *       print(s, hex(bg.state["state"]["state"]), hex(bg.state["state"]["inc"]))
   *       print(s, ", ".join("0x%016xL" % int(x) for x in bg.random_raw(10)))
   */
  private static final long[][] NEXT_UINT64 = {
    {
      0xa30febcfd9c2825fL,
      0x4510bdf882d9d721L,
      0x0a7d3da94ecde8b8L,
      0x043b27b61342f01dL,
      0xd0327a782cde513bL,
      0xe9aa5979a6401c4eL,
      0x9b4c7b7180edb27fL,
      0xbac0495ff8829a45L,
      0x8b2b01e7a1dc7fbfL,
      0xef60e8078f56bfedL
    },
    {
      0xc621fbcd16d92688L,
      0x705a5661a791ffc1L,
      0xdbcd12c26eda1624L,
      0xb286b60e1600888dL,
      0x181c01b5339381ebL,
      0xf9c262ed86c7538cL,
      0xc2da0d2fbc5a4471L,
      0xc93b82a3b7ac9740L,
      0x20cc0e168362d113L,
      0x734c7e29d6f9bd6eL
    },
    {
      0x07182e9ce6a6f13cL,
      0xe81d7ead95d3cecdL,
      0xe1a3020c572e02b9L,
      0x9ff944914ad4ae86L,
      0xca6c492e20e388d2L,
      0xd36eb527319c16f2L,
      0xd77a089e6a06ba13L,
      0x78c329ac0f827c78L,
      0xf50cf2003e3de4eeL,
      0xf253d29cd27d2401L
    },
  };
  private static final long[] SEEDS = {0, 42, 123456789};

  @Test
  void nextLongMatchesNumpyRandomRaw() {
    for (int s = 0; s < SEEDS.length; s++) {
      Pcg64 bg = new Pcg64(SEEDS[s]);
      long[] got = new long[10];
      for (int i = 0; i < got.length; i++) {
        got[i] = bg.nextLong();
      }
      assertArrayEquals(NEXT_UINT64[s], got, "seed " + SEEDS[s]);
    }
  }

  /* Same snippet: the seeded state {state, inc} before any draw. */
  @Test
  void seededStateMatchesNumpyStateDict() {
    Pcg64 bg = new Pcg64(0);
    assertEquals(
        new BigInteger("1aa1b5345996452d09585eb7a69561e3", 16),
        u128(bg.stateHigh(), bg.stateLow()));
    assertEquals(
        new BigInteger("418ddadb3af71a82588133bc447873a9", 16), u128(bg.incHigh(), bg.incLow()));
    Pcg64 bg42 = new Pcg64(42);
    assertEquals(
        new BigInteger("cea44f6798798f2aacbc7c9d68860ac8", 16),
        u128(bg42.stateHigh(), bg42.stateLow()));
    assertEquals(
        new BigInteger("fa505436c9a8416e66caf2e28d25abff", 16),
        u128(bg42.incHigh(), bg42.incLow()));
  }

  /*
   * numpy buffers next_uint32: it returns the low half of a 64-bit draw and keeps the high half for
   * the next next_uint32; next_uint64 neither uses nor clears that buffer. Regenerate with:
   *
   *   bg = np.random.PCG64(np.random.SeedSequence(0))
   *   n32 = lambda: bg.ctypes.next_uint32(bg.ctypes.state)
   *   n64 = lambda: bg.ctypes.next_uint64(bg.ctypes.state)
   *   [hex(f()) for f in [n32, n32, n32, n64, n32, n64, n32, n32]]
   */
  @Test
  void interleavedNextIntAndNextLongMatchNumpyBuffering() {
    Pcg64 bg = new Pcg64(0);
    assertEquals(0xd9c2825f, bg.nextInt());
    assertTrue(bg.hasBufferedInt());
    assertEquals(0xa30febcf, bg.nextInt());
    assertFalse(bg.hasBufferedInt());
    assertEquals(0x82d9d721, bg.nextInt());
    assertEquals(0x0a7d3da94ecde8b8L, bg.nextLong());
    assertEquals(0x4510bdf8, bg.nextInt()); // the half buffered before the nextLong
    assertEquals(0x043b27b61342f01dL, bg.nextLong());
    assertEquals(0x2cde513b, bg.nextInt());
    assertEquals(0xd0327a78, bg.nextInt());
  }

  @Test
  void nextDoubleIsTop53BitsOfNextLong() {
    Pcg64 a = new Pcg64(0);
    Pcg64 b = new Pcg64(0);
    for (int i = 0; i < 100; i++) {
      double d = a.nextDouble();
      assertEquals((b.nextLong() >>> 11) / 9007199254740992.0, d);
      assertTrue(d >= 0.0 && d < 1.0);
    }
  }

  @Test
  void unsignedMultiplyHighAgreesWithBigInteger() {
    Random random = new Random(1);
    long[] edge = {
      0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, 0x2360ed051fc65da4L, 0x4385df649fccf645L
    };
    for (long a : edge) {
      for (long b : edge) {
        assertUnsignedHigh(a, b);
      }
    }
    for (int i = 0; i < 10_000; i++) {
      assertUnsignedHigh(random.nextLong(), random.nextLong());
    }
  }

  private static void assertUnsignedHigh(long a, long b) {
    BigInteger expected = u64(a).multiply(u64(b)).shiftRight(64);
    assertEquals(expected.longValue(), Pcg64.unsignedMultiplyHigh(a, b), a + " * " + b);
  }

  private static BigInteger u64(long v) {
    return new BigInteger(Long.toUnsignedString(v));
  }

  private static BigInteger u128(long high, long low) {
    return u64(high).shiftLeft(64).or(u64(low));
  }
}
