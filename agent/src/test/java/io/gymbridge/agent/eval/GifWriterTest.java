package io.gymbridge.agent.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Node;

class GifWriterTest {
  private static final int H = 16;
  private static final int W = 20; // not square, so a transposed frame cannot pass

  @TempDir Path dir;

  @Test
  void framesWithAtMost256ColoursReadBackExactlyWithTheDelayAndAnInfiniteLoop() throws IOException {
    List<byte[]> frames =
        List.of(
            frame(H, W, (y, x) -> 0x123456), // one colour: the table is padded to 2 entries
            frame(H, W, (y, x) -> new int[] {0xff0000, 0x00ff00, 0x0000ff}[x % 3]),
            frame(H, W, (y, x) -> (x + y) % 2 == 0 ? 0x000000 : 0xffffff),
            frame(H, W, (y, x) -> distinctColour((y * W + x) % 256)), // exactly 256 colours
            frame(H, W, atariLike(7)));
    Path gif = dir.resolve("game.gif");

    GifWriter.write(gif, frames, H, W, 50);

    List<BufferedImage> images = readAll(gif);
    assertEquals(5, images.size());
    for (int i = 0; i < frames.size(); i++) {
      assertEquals(W, images.get(i).getWidth(), "width of frame " + i);
      assertEquals(H, images.get(i).getHeight(), "height of frame " + i);
      assertArrayEquals(frames.get(i), rgb(images.get(i)), "pixels of frame " + i);
    }
    for (int i = 0; i < frames.size(); i++) {
      IIOMetadataNode control = child(metadata(gif, i), "GraphicControlExtension");
      assertEquals("5", control.getAttribute("delayTime"), "hundredths of a second, frame " + i);
    }
    IIOMetadataNode loop =
        child(child(metadata(gif, 0), "ApplicationExtensions"), "ApplicationExtension");
    assertEquals("NETSCAPE", loop.getAttribute("applicationID"));
    assertEquals("2.0", loop.getAttribute("authenticationCode"));
    assertArrayEquals(new byte[] {1, 0, 0}, (byte[]) loop.getUserObject(), "loop count 0: forever");
  }

  @Test
  void fullSizeAtariFramesStreamLosslessly() throws IOException {
    Path gif = dir.resolve("breakout.gif");
    List<byte[]> frames = new ArrayList<>();
    try (GifWriter writer = GifWriter.open(gif, 210, 160, 67)) {
      for (int i = 0; i < 3; i++) {
        byte[] f = frame(210, 160, atariLike(i));
        frames.add(f);
        writer.addFrame(f);
      }
      assertEquals(3, writer.frames());
    }

    List<BufferedImage> images = readAll(gif);
    assertEquals(3, images.size());
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(frames.get(i), rgb(images.get(i)), "pixels of frame " + i);
    }
    IIOMetadataNode control = child(metadata(gif, 0), "GraphicControlExtension");
    assertEquals("7", control.getAttribute("delayTime"), "67 ms rounds to 7 hundredths");
  }

  @Test
  void aFrameWithMoreThan256ColoursIsQuantizedToNearbyColours() throws IOException {
    int h = 32;
    int w = 32;
    byte[] many = frame(h, w, (y, x) -> distinctColour(y * w + x)); // 1024 distinct colours
    byte[] few = frame(h, w, (y, x) -> y < h / 2 ? 0x0a0b0c : 0xfdfefa);
    Path gif = dir.resolve("many.gif");

    GifWriter.write(gif, List.of(many, few), h, w, 40);

    List<BufferedImage> images = readAll(gif);
    assertEquals(2, images.size());
    byte[] back = rgb(images.get(0));
    int[] tolerance = {26, 22, 26}; // half a step of the 6x7x6 grid, rounded up
    for (int i = 0; i < many.length; i++) {
      int error = Math.abs((many[i] & 0xff) - (back[i] & 0xff));
      assertTrue(
          error <= tolerance[i % 3],
          "byte " + i + ": wrote " + (many[i] & 0xff) + ", read " + (back[i] & 0xff));
    }
    assertArrayEquals(few, rgb(images.get(1)), "a frame after a quantized one is exact again");
  }

  @Test
  void aFrameOfTheWrongLengthIsIllegalArgumentAndNothingIsWritten() throws IOException {
    Path gif = dir.resolve("bad.gif");
    IllegalArgumentException e;
    try (GifWriter writer = GifWriter.open(gif, H, W, 50)) {
      writer.addFrame(frame(H, W, (y, x) -> 0));
      e = assertThrows(IllegalArgumentException.class, () -> writer.addFrame(new byte[H * W]));
    }
    assertTrue(e.getMessage().contains("frame 1 has 320 bytes"), e.getMessage());
    assertTrue(e.getMessage().contains("has 960 (height * width * 3"), e.getMessage());
    assertFalse(Files.exists(gif));
    assertEquals(0, listDir().size(), "temp file left: " + listDir());
  }

  @Test
  void zeroFramesIsRejectedAndNothingIsWritten() throws IOException {
    Path gif = dir.resolve("empty.gif");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> GifWriter.write(gif, List.of(), H, W, 50));
    assertTrue(e.getMessage().contains("at least one frame"), e.getMessage());

    GifWriter writer = GifWriter.open(gif, H, W, 50);
    IllegalStateException s = assertThrows(IllegalStateException.class, writer::close);
    assertTrue(s.getMessage().contains("no frame added"), s.getMessage());
    assertEquals(0, listDir().size(), "files left: " + listDir());
  }

  @Test
  void badSizesAndDelaysAreIllegalArguments() {
    Path gif = dir.resolve("x.gif");
    IllegalArgumentException delay =
        assertThrows(IllegalArgumentException.class, () -> GifWriter.open(gif, H, W, 10));
    assertTrue(delay.getMessage().contains("delayMillis must be in [20, 655350]"));
    assertThrows(IllegalArgumentException.class, () -> GifWriter.open(gif, H, W, 655_351));
    IllegalArgumentException size =
        assertThrows(IllegalArgumentException.class, () -> GifWriter.open(gif, 0, W, 50));
    assertTrue(size.getMessage().contains("got 0x20"), size.getMessage());
    assertThrows(IllegalArgumentException.class, () -> GifWriter.open(gif, H, 70_000, 50));
  }

  @Test
  void anExistingFileIsReplacedOnlyWhenTheWriterCloses() throws IOException {
    Path gif = dir.resolve("replay.gif");
    Files.writeString(gif, "old");
    try (GifWriter writer = GifWriter.open(gif, H, W, 50)) {
      writer.addFrame(frame(H, W, (y, x) -> 0xabcdef));
      assertEquals("old", Files.readString(gif), "readers still see the old file");
    }
    assertEquals(List.of("replay.gif"), listDir());
    String magic = new String(Files.readAllBytes(gif), 0, 6, StandardCharsets.US_ASCII);
    assertEquals("GIF89a", magic);
    assertEquals(1, readAll(gif).size());
  }

  private interface Pattern {
    int rgb(int y, int x);
  }

  private static byte[] frame(int h, int w, Pattern pattern) {
    byte[] f = new byte[h * w * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int c = pattern.rgb(y, x);
        int i = (y * w + x) * 3;
        f[i] = (byte) (c >> 16);
        f[i + 1] = (byte) (c >> 8);
        f[i + 2] = (byte) c;
      }
    }
    return f;
  }

  /** A different colour for each k < 2^16, spread over all three channels. */
  private static int distinctColour(int k) {
    return (k * 37 & 0xff) << 16 | ((k >> 8) * 61 & 0xff) << 8 | (255 - (k & 0xff));
  }

  /** Blocks of colours from a random 128-colour palette, like an Atari screen. */
  private static Pattern atariLike(long seed) {
    Random random = new Random(seed);
    int[] palette = new int[128];
    for (int i = 0; i < palette.length; i++) {
      palette[i] = random.nextInt(1 << 24);
    }
    return (y, x) -> palette[Math.floorMod((y / 3) * 31 + (x / 4) * 7 + (int) seed, 128)];
  }

  private static List<BufferedImage> readAll(Path gif) throws IOException {
    ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
    try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
      reader.setInput(in);
      int n = reader.getNumImages(true);
      List<BufferedImage> images = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        images.add(reader.read(i));
      }
      return images;
    } finally {
      reader.dispose();
    }
  }

  private static IIOMetadataNode metadata(Path gif, int frame) throws IOException {
    ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
    try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
      reader.setInput(in);
      return (IIOMetadataNode)
          reader.getImageMetadata(frame).getAsTree("javax_imageio_gif_image_1.0");
    } finally {
      reader.dispose();
    }
  }

  private static IIOMetadataNode child(IIOMetadataNode node, String name) {
    for (Node c = node.getFirstChild(); c != null; c = c.getNextSibling()) {
      if (c.getNodeName().equals(name)) {
        return (IIOMetadataNode) c;
      }
    }
    return fail("no " + name + " under " + node.getNodeName());
  }

  private static byte[] rgb(BufferedImage image) {
    int h = image.getHeight();
    int w = image.getWidth();
    byte[] out = new byte[h * w * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int c = image.getRGB(x, y);
        int i = (y * w + x) * 3;
        out[i] = (byte) (c >> 16);
        out[i + 1] = (byte) (c >> 8);
        out[i + 2] = (byte) c;
      }
    }
    return out;
  }

  private List<String> listDir() throws IOException {
    try (var files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
