package io.gymbridge.atari.preprocessing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Byte equality with real OpenCV: the fixture holds seeded images and what {@code cv2.resize(...,
 * interpolation=cv2.INTER_AREA)} (opencv-python-headless 4.14.0.94) made of them; it is written by
 * python/tools/gen_area_resize_fixture.py.
 */
class AreaResizeTest {
  private static final String DIR = "area-resize/";

  record Case(String source, int srcH, int srcW, int channels, int dstH, int dstW, String result) {
    @Override
    public String toString() {
      return source + " -> " + dstH + "x" + dstW;
    }
  }

  static List<Case> cases() throws IOException {
    List<Case> cases = new ArrayList<>();
    String tsv = new String(resource(DIR + "cases.tsv"), StandardCharsets.UTF_8);
    for (String line : tsv.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\t");
      cases.add(
          new Case(
              f[0],
              Integer.parseInt(f[1]),
              Integer.parseInt(f[2]),
              Integer.parseInt(f[3]),
              Integer.parseInt(f[4]),
              Integer.parseInt(f[5]),
              f[6]));
    }
    return cases;
  }

  @ParameterizedTest
  @MethodSource("cases")
  void resizeIsByteIdenticalToOpenCv(Case c) throws IOException {
    byte[] src = gunzip(DIR + c.source() + ".gz");
    byte[] expected = gunzip(DIR + c.result() + ".gz");
    AreaResize resize = new AreaResize(c.srcH(), c.srcW(), c.dstH(), c.dstW(), c.channels());
    assertEquals(src.length, resize.srcBytes());
    byte[] dst = new byte[resize.dstBytes()];
    resize.resize(src, dst);
    int mismatches = 0;
    for (int i = 0; i < dst.length; i++) {
      mismatches += dst[i] != expected[i] ? 1 : 0;
    }
    assertEquals(
        0, mismatches, () -> "bytes differ from cv2; first " + firstMismatch(dst, expected));
    // A second call on the same instance reuses its buffers and must give the same bytes.
    byte[] again = new byte[dst.length];
    resize.resize(src, again);
    assertArrayEquals(dst, again);
  }

  @Test
  void fixtureCoversTheAtariCasesAndBothPaths() throws IOException {
    List<Case> cases = cases();
    assertTrue(
        cases.stream().anyMatch(c -> c.srcH() == 210 && c.dstH() == 84 && c.channels() == 1));
    assertTrue(
        cases.stream().anyMatch(c -> c.srcH() == 210 && c.dstH() == 84 && c.channels() == 3));
    assertTrue(cases.stream().anyMatch(c -> c.srcH() == 2 * c.dstH() && c.srcW() == 2 * c.dstW()));
  }

  @Test
  void constantImageStaysConstant() {
    AreaResize resize = new AreaResize(210, 160, 84, 84, 1);
    for (int v : new int[] {0, 1, 127, 128, 254, 255}) {
      byte[] src = new byte[210 * 160];
      java.util.Arrays.fill(src, (byte) v);
      byte[] dst = new byte[84 * 84];
      resize.resize(src, dst);
      for (byte b : dst) {
        assertEquals(v, b & 0xff);
      }
    }
  }

  @Test
  void enlargingIsRejectedWithTheReason() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new AreaResize(210, 160, 84, 200, 1));
    assertTrue(e.getMessage().contains("enlarging"), e.getMessage());
  }

  @Test
  void badChannelsAndSizesAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new AreaResize(10, 10, 5, 5, 5));
    assertThrows(IllegalArgumentException.class, () -> new AreaResize(10, 10, 0, 5, 1));
  }

  private static String firstMismatch(byte[] actual, byte[] expected) {
    for (int i = 0; i < actual.length; i++) {
      if (actual[i] != expected[i]) {
        return i + ": java " + (actual[i] & 0xff) + ", cv2 " + (expected[i] & 0xff);
      }
    }
    return "none";
  }

  private static byte[] gunzip(String name) throws IOException {
    try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(resource(name)))) {
      return in.readAllBytes();
    }
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = AreaResizeTest.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("missing test resource " + name);
      }
      return in.readAllBytes();
    }
  }
}
