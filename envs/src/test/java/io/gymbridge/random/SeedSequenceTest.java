package io.gymbridge.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class SeedSequenceTest {

  private static final BigInteger TWO_POW_32_PLUS_5 =
      BigInteger.ONE.shiftLeft(32).add(BigInteger.valueOf(5));
  private static final BigInteger TWO_POW_64_PLUS_3 =
      BigInteger.ONE.shiftLeft(64).add(BigInteger.valueOf(3));
  private static final BigInteger TWO_POW_128_PLUS_7 =
      BigInteger.ONE.shiftLeft(128).add(BigInteger.valueOf(7));

  /*
   * Regenerate with numpy 2.x:
   *
   *   import numpy as np
   *   for s in [0, 1, 12345, 2**32+5, 2**64+3, 2**128+7]:
   *       ss = np.random.SeedSequence(s)
   *       print(s, ", ".join("0x%08x" % int(x) for x in ss.generate_state(4)))
   *       print(s, ", ".join("0x%016xL" % int(x) for x in ss.generate_state(4, np.uint64)))
   */
  private static final Object[][] GOLDEN = {
    {
      BigInteger.valueOf(0),
      new int[] {0xb0f478be, 0xdb2cd7e7, 0x2c71ba49, 0xabf4641a},
      new long[] {
        0xdb2cd7e7b0f478beL, 0xabf4641a2c71ba49L, 0x20c6ed6d9d7b8d41L, 0x2c4099de223c39d4L
      }
    },
    {
      BigInteger.valueOf(1),
      new int[] {0x6d6791ff, 0x672d8ee5, 0x4eb1072c, 0x8ae19ca1},
      new long[] {
        0x672d8ee56d6791ffL, 0x8ae19ca14eb1072cL, 0x4915796d1322fc4aL, 0xd0cc2bdcaba049bdL
      }
    },
    {
      BigInteger.valueOf(12345),
      new int[] {0xa03d837c, 0xb5ae6482, 0xfa1f7a2f, 0xbbe2996f},
      new long[] {
        0xb5ae6482a03d837cL, 0xbbe2996ffa1f7a2fL, 0x64e39a9f37158f94L, 0x3ebb0f96a013fd73L
      }
    },
    {
      TWO_POW_32_PLUS_5,
      new int[] {0xe249d9ac, 0xf9c15bd6, 0x36320ed7, 0xb2021b40},
      new long[] {
        0xf9c15bd6e249d9acL, 0xb2021b4036320ed7L, 0x9388b47fe6dcf739L, 0x5eeba8d9ad6439e1L
      }
    },
    {
      TWO_POW_64_PLUS_3,
      new int[] {0xd55232de, 0x86bba298, 0x6a49aef2, 0xa38c2f46},
      new long[] {
        0x86bba298d55232deL, 0xa38c2f466a49aef2L, 0xdb3e92bd8a291c55L, 0x2887141d330d5416L
      }
    },
    {
      TWO_POW_128_PLUS_7,
      new int[] {0xd7b54d03, 0x3819da2e, 0x10e1c57c, 0xfaed8d38},
      new long[] {
        0x3819da2ed7b54d03L, 0xfaed8d3810e1c57cL, 0x0ade8f094f719bb7L, 0x9cab805ecce4c2f9L
      }
    },
  };

  @Test
  void generateStateMatchesNumpyUint32Words() {
    for (Object[] row : GOLDEN) {
      SeedSequence ss = new SeedSequence((BigInteger) row[0]);
      assertArrayEquals((int[]) row[1], ss.generateState(4), "seed " + row[0]);
    }
  }

  @Test
  void generateState64MatchesNumpyUint64WordsLittleEndianPairing() {
    for (Object[] row : GOLDEN) {
      SeedSequence ss = new SeedSequence((BigInteger) row[0]);
      assertArrayEquals((long[]) row[2], ss.generateState64(4), "seed " + row[0]);
    }
  }

  @Test
  void uint64StateIsPairsOfUint32StateLowWordFirst() {
    SeedSequence ss = new SeedSequence(12345);
    int[] words = ss.generateState(8);
    long[] longs = ss.generateState64(4);
    for (int i = 0; i < 4; i++) {
      assertEquals(Integer.toUnsignedLong(words[2 * i]), longs[i] & 0xFFFFFFFFL);
      assertEquals(words[2 * i + 1], (int) (longs[i] >>> 32));
    }
  }

  @Test
  void longAndBigIntegerSeedsAgree() {
    for (long seed : new long[] {0, 1, 12345, (1L << 32) + 5, Long.MAX_VALUE}) {
      assertArrayEquals(
          new SeedSequence(BigInteger.valueOf(seed)).generateState(6),
          new SeedSequence(seed).generateState(6),
          "seed " + seed);
    }
  }

  /*
   * numpy's _int_to_uint32_array (used by _coerce_to_uint32_array):
   *   >>> from numpy.random.bit_generator import _coerce_to_uint32_array
   *   >>> _coerce_to_uint32_array(1234567890123456789012345678901234567890)
   *   array([3460238034, 2898026390, 3235640248, 2697535605, 3], dtype=uint32)
   */
  @Test
  void integersAreCoercedToUint32WordsLeastSignificantFirst() {
    assertArrayEquals(new int[] {0}, SeedSequence.toUint32Words(BigInteger.ZERO));
    assertArrayEquals(new int[] {12345}, SeedSequence.toUint32Words(BigInteger.valueOf(12345)));
    assertArrayEquals(new int[] {5, 1}, SeedSequence.toUint32Words(TWO_POW_32_PLUS_5));
    assertArrayEquals(
        new int[] {(int) 3460238034L, (int) 2898026390L, (int) 3235640248L, (int) 2697535605L, 3},
        SeedSequence.toUint32Words(new BigInteger("1234567890123456789012345678901234567890")));
  }

  @Test
  void negativeSeedsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new SeedSequence(-1));
    assertThrows(IllegalArgumentException.class, () -> new SeedSequence(BigInteger.valueOf(-1)));
  }

  @Test
  void osEntropyIsAt128BitsAndReproducesTheSequence() {
    SeedSequence drawn = SeedSequence.fromOsEntropy();
    assertTrue(drawn.entropy().signum() >= 0);
    assertTrue(drawn.entropy().bitLength() <= 128);
    assertArrayEquals(
        new SeedSequence(drawn.entropy()).generateState64(4), drawn.generateState64(4));
  }
}
