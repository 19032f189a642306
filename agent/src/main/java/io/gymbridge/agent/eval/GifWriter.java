package io.gymbridge.agent.eval;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.FileImageOutputStream;
import javax.imageio.stream.ImageOutputStream;

/**
 * Writes RGB frames as an animated GIF that loops forever, with {@code javax.imageio} only. Frames
 * are encoded as they arrive, so a game of thousands of frames needs the memory of one frame:
 *
 * <pre>{@code
 * try (GifWriter gif = GifWriter.open(path, 210, 160, 50)) {
 *   for (byte[] rgb : frames) {
 *     gif.addFrame(rgb);
 *   }
 * }
 * }</pre>
 *
 * <p>Colour: each frame gets its own (local) colour table. A frame with at most 256 distinct
 * colours, which every Atari frame is (the NTSC palette has 128), is stored exactly: its table
 * holds exactly its colours. A frame with more is quantized to a fixed 6x7x6 RGB grid (252 colours:
 * 6 levels of red and blue, 7 of green, each channel to its nearest level, so an error of at most
 * 26 in red and blue and 22 in green), without dithering.
 *
 * <p>Atomic: the GIF is written to {@code .<name>.tmp} beside {@code file} and renamed onto it by
 * {@link #close()}, so a reader sees the old file or the whole new one, never a partial one. The
 * rename happens only if at least one frame was written and no {@link #addFrame} call failed;
 * otherwise the temp file is deleted and {@code file} is left as it was. An exception thrown by the
 * caller between frames is invisible here: closing then publishes the frames written so far.
 *
 * <p>Not thread-safe.
 */
public final class GifWriter implements AutoCloseable {
  /**
   * Smallest frame delay accepted. Browsers play a GIF delay of 0 or 10 ms at 100 ms (Chrome,
   * Firefox and Safari all do), so shorter delays would silently play slower, not faster.
   */
  public static final int MIN_DELAY_MILLIS = 20;

  /** Largest frame delay: the GIF field is an unsigned 16-bit count of hundredths of a second. */
  public static final int MAX_DELAY_MILLIS = 655_350;

  private static final String FORMAT = "javax_imageio_gif_image_1.0";
  private static final int[] LEVELS_R = levels(6);
  private static final int[] LEVELS_G = levels(7);
  private static final int[] LEVELS_B = levels(6);
  private static final IndexColorModel GRID = grid();

  private final Path file;
  private final Path tmp;
  private final int height;
  private final int width;
  private final int delayHundredths;
  private final ImageWriter writer;
  private final ImageOutputStream out;
  private final Palette palette = new Palette();
  private int frames;
  private boolean failed;
  private boolean closed;

  private GifWriter(Path file, int height, int width, int delayMillis) throws IOException {
    this.file = file;
    this.tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
    this.height = height;
    this.width = width;
    this.delayHundredths = Math.round(delayMillis / 10f);
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("gif");
    if (!writers.hasNext()) {
      throw new IllegalStateException("this JRE has no GIF ImageWriter");
    }
    this.writer = writers.next();
    try {
      Files.deleteIfExists(tmp); // FileImageOutputStream does not truncate an existing file
      this.out = new FileImageOutputStream(tmp.toFile());
    } catch (IOException | RuntimeException e) {
      writer.dispose();
      throw e;
    }
    try {
      writer.setOutput(out);
      writer.prepareWriteSequence(null);
    } catch (IOException | RuntimeException e) {
      abort();
      throw e;
    }
  }

  /**
   * Starts a GIF of {@code height x width} frames shown {@code delayMillis} each (stored in
   * hundredths of a second, so rounded to the nearest 10 ms; in [{@value #MIN_DELAY_MILLIS},
   * {@value #MAX_DELAY_MILLIS}]). The directory of {@code file} must exist.
   */
  public static GifWriter open(Path file, int height, int width, int delayMillis)
      throws IOException {
    if (height <= 0 || width <= 0 || height > 65_535 || width > 65_535) {
      throw new IllegalArgumentException(
          "GIF height and width must be in [1, 65535], got " + height + "x" + width);
    }
    if (delayMillis < MIN_DELAY_MILLIS || delayMillis > MAX_DELAY_MILLIS) {
      throw new IllegalArgumentException(
          "delayMillis must be in ["
              + MIN_DELAY_MILLIS
              + ", "
              + MAX_DELAY_MILLIS
              + "] (browsers play shorter delays at 100 ms), got "
              + delayMillis);
    }
    return new GifWriter(file, height, width, delayMillis);
  }

  /** Writes {@code frames} (at least one) in one call; see {@link #open} and {@link #addFrame}. */
  public static void write(Path file, List<byte[]> frames, int height, int width, int delayMillis)
      throws IOException {
    if (frames.isEmpty()) {
      throw new IllegalArgumentException("a GIF needs at least one frame, got 0 for " + file);
    }
    try (GifWriter gif = open(file, height, width, delayMillis)) {
      for (byte[] rgb : frames) {
        gif.addFrame(rgb);
      }
    }
  }

  /**
   * Encodes one frame: {@code height * width * 3} bytes, RGB interleaved, row-major (the layout of
   * an ALE screen, {@code [H, W, 3]} uint8). The array is not kept.
   */
  public void addFrame(byte[] rgb) throws IOException {
    if (closed) {
      throw new IllegalStateException("GifWriter for " + file + " is closed");
    }
    int pixels = height * width;
    if (rgb.length != pixels * 3) {
      failed = true;
      throw new IllegalArgumentException(
          "frame "
              + frames
              + " has "
              + rgb.length
              + " bytes; a "
              + height
              + "x"
              + width
              + " RGB frame has "
              + pixels * 3
              + " (height * width * 3, row-major)");
    }
    try {
      BufferedImage image = indexed(rgb);
      writer.writeToSequence(new IIOImage(image, null, metadata(image)), null);
      frames++;
    } catch (IOException | RuntimeException e) {
      failed = true;
      throw e;
    }
  }

  /** Frames written so far. */
  public int frames() {
    return frames;
  }

  /**
   * Finishes the GIF and renames it onto the target file; with no frame written, or after a failed
   * {@link #addFrame}, deletes the temp file instead. Idempotent.
   *
   * @throws IllegalStateException if no frame was written and no {@link #addFrame} call failed (a
   *     GIF without frames is not valid)
   */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (frames == 0 || failed) {
      abort();
      if (!failed) {
        throw new IllegalStateException("no frame added; " + file + " not written");
      }
      return;
    }
    try {
      writer.endWriteSequence();
      out.close();
      writer.dispose();
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      abort();
      throw e;
    }
  }

  private void abort() throws IOException {
    try {
      out.close();
    } finally {
      writer.dispose();
      Files.deleteIfExists(tmp);
    }
  }

  /** The frame as an 8-bit indexed image: exact palette if it fits, else the 6x7x6 grid. */
  private BufferedImage indexed(byte[] rgb) {
    int pixels = height * width;
    byte[] index = new byte[pixels];
    IndexColorModel colors;
    if (palette.build(rgb, index)) {
      colors = palette.colorModel();
    } else {
      for (int p = 0, i = 0; p < pixels; p++, i += 3) {
        int r = nearest(rgb[i] & 0xff, 5);
        int g = nearest(rgb[i + 1] & 0xff, 6);
        int b = nearest(rgb[i + 2] & 0xff, 5);
        index[p] = (byte) ((r * 7 + g) * 6 + b);
      }
      colors = GRID;
    }
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_INDEXED, colors);
    byte[] data = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    System.arraycopy(index, 0, data, 0, pixels);
    return image;
  }

  /**
   * Image metadata with the frame's colour table as its local table, the delay, and (on the first
   * frame only) the NETSCAPE2.0 extension with loop count 0 = forever.
   */
  private IIOMetadata metadata(BufferedImage image) throws IOException {
    IIOMetadata meta =
        writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image), null);
    IIOMetadataNode root = new IIOMetadataNode(FORMAT);

    IIOMetadataNode control = new IIOMetadataNode("GraphicControlExtension");
    control.setAttribute("disposalMethod", "none");
    control.setAttribute("userInputFlag", "FALSE");
    control.setAttribute("transparentColorFlag", "FALSE");
    control.setAttribute("delayTime", Integer.toString(delayHundredths));
    control.setAttribute("transparentColorIndex", "0");
    root.appendChild(control);

    IndexColorModel colors = (IndexColorModel) image.getColorModel();
    IIOMetadataNode table = new IIOMetadataNode("LocalColorTable");
    table.setAttribute("sizeOfLocalColorTable", Integer.toString(colors.getMapSize()));
    table.setAttribute("sortFlag", "FALSE");
    for (int i = 0; i < colors.getMapSize(); i++) {
      IIOMetadataNode entry = new IIOMetadataNode("ColorTableEntry");
      entry.setAttribute("index", Integer.toString(i));
      entry.setAttribute("red", Integer.toString(colors.getRed(i)));
      entry.setAttribute("green", Integer.toString(colors.getGreen(i)));
      entry.setAttribute("blue", Integer.toString(colors.getBlue(i)));
      table.appendChild(entry);
    }
    root.appendChild(table);

    if (frames == 0) {
      IIOMetadataNode loop = new IIOMetadataNode("ApplicationExtension");
      loop.setAttribute("applicationID", "NETSCAPE");
      loop.setAttribute("authenticationCode", "2.0");
      loop.setUserObject(new byte[] {1, 0, 0}); // sub-block 1: loop count (uint16 LE), 0 = forever
      IIOMetadataNode extensions = new IIOMetadataNode("ApplicationExtensions");
      extensions.appendChild(loop);
      root.appendChild(extensions);
    }
    meta.mergeTree(FORMAT, root);
    return meta;
  }

  private static IndexColorModel grid() {
    byte[] r = new byte[256];
    byte[] g = new byte[256];
    byte[] b = new byte[256];
    for (int ri = 0; ri < 6; ri++) {
      for (int gi = 0; gi < 7; gi++) {
        for (int bi = 0; bi < 6; bi++) {
          int i = (ri * 7 + gi) * 6 + bi;
          r[i] = (byte) LEVELS_R[ri];
          g[i] = (byte) LEVELS_G[gi];
          b[i] = (byte) LEVELS_B[bi];
        }
      }
    }
    return new IndexColorModel(8, 256, r, g, b); // entries 252..255 unused (black)
  }

  /** {@code n} levels evenly spaced over [0, 255]. */
  private static int[] levels(int n) {
    int[] v = new int[n];
    for (int i = 0; i < n; i++) {
      v[i] = Math.round(i * 255f / (n - 1));
    }
    return v;
  }

  /** The nearest of {@code steps + 1} evenly spaced levels to channel value {@code c}. */
  private static int nearest(int c, int steps) {
    return (c * steps + 127) / 255;
  }

  /**
   * The distinct colours of one frame, in order of first appearance: an open-addressing hash from
   * 0xRRGGBB to palette index, reused across frames so a frame allocates nothing for it.
   */
  private static final class Palette {
    private static final int SLOTS = 1024; // at most 257 keys: load factor <= 0.25
    private final int[] keys = new int[SLOTS]; // colour + 1, 0 = empty slot
    private final int[] values = new int[SLOTS];
    private final int[] colors = new int[256];
    private int size;

    /** Fills {@code index}; false (and {@code index} garbage) if the frame has > 256 colours. */
    boolean build(byte[] rgb, byte[] index) {
      Arrays.fill(keys, 0);
      size = 0;
      int last = -1;
      int lastIndex = 0;
      for (int p = 0, i = 0; p < index.length; p++, i += 3) {
        int c = (rgb[i] & 0xff) << 16 | (rgb[i + 1] & 0xff) << 8 | (rgb[i + 2] & 0xff);
        if (c != last) { // runs of one colour are the common case in game frames
          int k = indexOf(c);
          if (k < 0) {
            return false;
          }
          last = c;
          lastIndex = k;
        }
        index[p] = (byte) lastIndex;
      }
      return true;
    }

    /** The palette index of {@code c}, added if new; -1 if that would make 257 colours. */
    private int indexOf(int c) {
      int slot = (c * 0x9E3779B1) >>> 22; // Fibonacci hashing into 1024 slots
      while (keys[slot] != 0) {
        if (keys[slot] == c + 1) {
          return values[slot];
        }
        slot = (slot + 1) & (SLOTS - 1);
      }
      if (size == 256) {
        return -1;
      }
      keys[slot] = c + 1;
      values[slot] = size;
      colors[size] = c;
      return size++;
    }

    /** A colour model of the colours found, padded to a power of two >= 2 as GIF tables are. */
    IndexColorModel colorModel() {
      int bits = 1;
      while ((1 << bits) < size) {
        bits++;
      }
      int n = 1 << bits;
      byte[] r = new byte[n];
      byte[] g = new byte[n];
      byte[] b = new byte[n];
      for (int i = 0; i < size; i++) {
        r[i] = (byte) (colors[i] >> 16);
        g[i] = (byte) (colors[i] >> 8);
        b[i] = (byte) colors[i];
      }
      return new IndexColorModel(8, n, r, g, b);
    }
  }
}
