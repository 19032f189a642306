package io.gymbridge.atari.preprocessing;

import java.util.Arrays;

/**
 * {@code cv2.resize(src, (dstWidth, dstHeight), interpolation=cv2.INTER_AREA)} for uint8 images of
 * 1 to 4 interleaved channels, byte for byte as OpenCV 4.x computes it (Gymnasium's
 * AtariPreprocessing resizes with it, so a DQN trained on Gymnasium frames sees the same pixels).
 *
 * <p>OpenCV has two shrinking paths, and this class takes the one OpenCV would:
 *
 * <ul>
 *   <li>Integer factors in both axes (210x160 to 105x80): each output pixel is the integer sum of
 *       its block times {@code 1f / area}, rounded half to even; for 2x2 blocks of 1, 3 or 4
 *       channels OpenCV instead computes {@code (sum + 2) >> 2} (its ResizeAreaFastVec), which
 *       rounds ties up, and so does this class.
 *   <li>Any other factors (210x160 to 84x84): per axis a table of (source index, destination index,
 *       float weight) from {@code computeResizeAreaTab}, with the scale taken as OpenCV takes it
 *       ({@code 1.0 / (dst / (double) src)}, not {@code src / dst}); each source row is accumulated
 *       into a float row buffer in table order, rows are weighted and summed into a float sum in
 *       table order, and the sum is rounded half to even and saturated. Float operations happen in
 *       OpenCV's order and precision (Java float arithmetic is IEEE single, and OpenCV's baseline
 *       build has no fused multiply-add there), so the bytes are identical.
 * </ul>
 *
 * Same size is a copy. Enlarging either axis takes OpenCV's bilinear emulation of INTER_AREA, which
 * this class does not implement: the constructor rejects it.
 *
 * <p>The tables and row buffers are built once per (source size, destination size, channels);
 * {@link #resize} allocates nothing. Two shortcuts keep the float operations exactly OpenCV's: a
 * source row equal to the row above reuses its horizontal pass, and one-channel rows run a fixed
 * number of taps per pixel, padded with zero weights. Not thread-safe (it owns its row buffers):
 * one instance per env.
 */
public final class AreaResize {
  private final int srcHeight;
  private final int srcWidth;
  private final int dstHeight;
  private final int dstWidth;
  private final int channels;
  private final Mode mode;

  // Integer-factor path.
  private final int scaleX;
  private final int scaleY;
  private final float inverseArea;
  private final boolean roundShift;

  // General path: x table entries (source offset, destination offset, weight) in OpenCV's order,
  // y table likewise, and for each destination row the range of its y table entries.
  private final int[] xSource;
  private final int[] xDest;
  private final float[] xAlpha;
  // The x table regrouped for one channel: every destination pixel gets the same number of taps
  // (xTaps), its own table entries first, then zero-weight padding that reads its last source.
  private final int xTaps;
  private final int[] tapSource;
  private final float[] tapAlpha;
  private final int[] ySource;
  private final float[] yAlpha;
  private final int[] yStart;
  // The horizontal pass of each source row the y table uses (null for rows it skips).
  private final float[][] rows;

  /** One destination row of the vertical pass, before rounding (GENERAL mode only). */
  private final float[] vertical;

  private enum Mode {
    COPY,
    INTEGER,
    GENERAL
  }

  /**
   * Prepares a resize of {@code srcHeight x srcWidth x channels} images to {@code dstHeight x
   * dstWidth x channels}.
   *
   * @throws IllegalArgumentException for non-positive sizes, channels outside 1..4, or a
   *     destination larger than the source in either axis
   */
  public AreaResize(int srcHeight, int srcWidth, int dstHeight, int dstWidth, int channels) {
    if (srcHeight <= 0 || srcWidth <= 0 || dstHeight <= 0 || dstWidth <= 0) {
      throw new IllegalArgumentException(
          "sizes must be positive, got "
              + srcHeight
              + "x"
              + srcWidth
              + " -> "
              + dstHeight
              + "x"
              + dstWidth);
    }
    if (channels < 1 || channels > 4) {
      throw new IllegalArgumentException("channels must be 1..4 (as OpenCV), got " + channels);
    }
    this.srcHeight = srcHeight;
    this.srcWidth = srcWidth;
    this.dstHeight = dstHeight;
    this.dstWidth = dstWidth;
    this.channels = channels;

    // cv::resize with an explicit dsize: inv_scale = dsize / ssize; hal::resize: scale = 1 / inv.
    double scaleXd = 1.0 / ((double) dstWidth / srcWidth);
    double scaleYd = 1.0 / ((double) dstHeight / srcHeight);
    int iscaleX = (int) Math.rint(scaleXd);
    int iscaleY = (int) Math.rint(scaleYd);
    boolean integerScale =
        Math.abs(scaleXd - iscaleX) < Math.ulp(1.0) && Math.abs(scaleYd - iscaleY) < Math.ulp(1.0);

    if (srcHeight == dstHeight && srcWidth == dstWidth) {
      mode = Mode.COPY;
    } else if (scaleXd < 1 || scaleYd < 1) {
      throw new IllegalArgumentException(
          "INTER_AREA enlarging ("
              + srcHeight
              + "x"
              + srcWidth
              + " -> "
              + dstHeight
              + "x"
              + dstWidth
              + ") is not implemented: OpenCV emulates it with a bilinear kernel; choose a"
              + " size no larger than the source in either axis");
    } else if (integerScale) {
      mode = Mode.INTEGER;
    } else {
      mode = Mode.GENERAL;
    }
    this.scaleX = iscaleX;
    this.scaleY = iscaleY;
    this.inverseArea = 1.0f / (iscaleX * iscaleY);
    this.roundShift = iscaleX == 2 && iscaleY == 2 && channels != 2;

    if (mode == Mode.GENERAL) {
      Table x = Table.compute(srcWidth, dstWidth, channels, scaleXd);
      Table y = Table.compute(srcHeight, dstHeight, 1, scaleYd);
      xSource = x.source;
      xDest = x.dest;
      xAlpha = x.alpha;
      xTaps = x.maxEntriesPerDest();
      tapSource = new int[dstWidth * xTaps];
      tapAlpha = new float[dstWidth * xTaps];
      if (channels == 1) {
        x.fillTaps(xTaps, tapSource, tapAlpha);
      }
      ySource = y.source;
      yAlpha = y.alpha;
      yStart = new int[dstHeight + 1];
      int row = 0;
      for (int k = 0; k < y.dest.length; k++) {
        if (k == 0 || y.dest[k] != y.dest[k - 1]) {
          yStart[row++] = k;
        }
      }
      yStart[row] = y.dest.length;
      vertical = new float[dstWidth * channels];
      rows = new float[srcHeight][];
      for (int sy : ySource) {
        if (rows[sy] == null) {
          rows[sy] = new float[dstWidth * channels];
        }
      }
    } else {
      xSource = xDest = null;
      xAlpha = null;
      xTaps = 0;
      tapSource = null;
      tapAlpha = null;
      ySource = yStart = null;
      yAlpha = null;
      rows = null;
      vertical = null;
    }
  }

  public int srcBytes() {
    return srcHeight * srcWidth * channels;
  }

  public int dstBytes() {
    return dstHeight * dstWidth * channels;
  }

  /**
   * Resizes {@code src} ({@link #srcBytes()} bytes, row-major, channels interleaved) into {@code
   * dst} ({@link #dstBytes()} bytes). Bytes are unsigned.
   */
  public void resize(byte[] src, byte[] dst) {
    if (src.length < srcBytes() || dst.length < dstBytes()) {
      throw new IllegalArgumentException(
          "need "
              + srcBytes()
              + " source and "
              + dstBytes()
              + " destination bytes, got "
              + src.length
              + " and "
              + dst.length);
    }
    switch (mode) {
      case COPY -> System.arraycopy(src, 0, dst, 0, dstBytes());
      case INTEGER -> resizeInteger(src, dst);
      case GENERAL -> resizeGeneral(src, dst);
    }
  }

  /** OpenCV's resizeAreaFast_ for exact integer factors (every block lies inside the source). */
  private void resizeInteger(byte[] src, byte[] dst) {
    int srcRow = srcWidth * channels;
    int dstRow = dstWidth * channels;
    for (int dy = 0; dy < dstHeight; dy++) {
      int rowBase = dy * scaleY * srcRow;
      for (int dx = 0; dx < dstRow; dx++) {
        int pixel = dx / channels;
        int base = rowBase + pixel * scaleX * channels + dx % channels;
        int sum = 0;
        for (int sy = 0; sy < scaleY; sy++) {
          int at = base + sy * srcRow;
          for (int sx = 0; sx < scaleX; sx++) {
            sum += src[at + sx * channels] & 0xff;
          }
        }
        dst[dy * dstRow + dx] =
            roundShift ? (byte) ((sum + 2) >> 2) : saturateRound((float) sum * inverseArea);
      }
    }
  }

  /**
   * OpenCV's ResizeArea_Invoker. OpenCV runs the horizontal pass of a source row once per
   * destination row it feeds (twice for rows on a boundary); this does it once per source row and
   * keeps the result, which is the same float computation, so the bytes are unchanged. Then each
   * output element is {@code beta0 * row0 + beta1 * row1 + ...} in the y table's order, rounded.
   */
  private void resizeGeneral(byte[] src, byte[] dst) {
    int rowBytes = srcWidth * channels;
    for (int sy = 0; sy < srcHeight; sy++) {
      if (rows[sy] == null) {
        continue;
      }
      int base = sy * rowBytes;
      // Atari screens repeat rows (9 in 10 in Breakout and Pong, 6 in 10 in Seaquest): a row equal
      // to the one above has the same horizontal pass, so its floats are copied, not recomputed.
      if (sy > 0
          && rows[sy - 1] != null
          && Arrays.equals(src, base - rowBytes, base, src, base, base + rowBytes)) {
        System.arraycopy(rows[sy - 1], 0, rows[sy], 0, rows[sy].length);
      } else {
        horizontal(src, base, rows[sy]);
      }
    }
    int width = dstWidth * channels;
    float[] sum = vertical;
    for (int dy = 0; dy < dstHeight; dy++) {
      int first = yStart[dy];
      int end = yStart[dy + 1];
      // Row by row rather than element by element: each element still sees the same float
      // operations in the same order (beta0 * row0, then + beta_j * row_j), and these simple
      // loops vectorise.
      float[] row0 = rows[ySource[first]];
      float beta0 = yAlpha[first];
      for (int dx = 0; dx < width; dx++) {
        sum[dx] = beta0 * row0[dx];
      }
      for (int j = first + 1; j < end; j++) {
        float[] row = rows[ySource[j]];
        float beta = yAlpha[j];
        for (int dx = 0; dx < width; dx++) {
          sum[dx] += beta * row[dx];
        }
      }
      int out = dy * width;
      for (int dx = 0; dx < width; dx++) {
        dst[out + dx] = saturateRound(sum[dx]);
      }
    }
  }

  /**
   * One source row through the x table: {@code buf[d] = sum of S[s] * alpha} over d's entries in
   * table order, starting from 0 as OpenCV's zeroed buffer does (a destination's entries are
   * contiguous in the table, so summing in a register gives the same floats).
   */
  private void horizontal(byte[] src, int rowBase, float[] buf) {
    if (channels == 1) {
      // A fixed number of taps per pixel, so the loop has no data-dependent branch. The padding
      // taps add (+0f) to a non-negative sum, which leaves it bit for bit unchanged.
      int taps = xTaps;
      for (int d = 0, k = 0; d < buf.length; d++) {
        float acc = 0f;
        for (int end = k + taps; k < end; k++) {
          acc += (src[rowBase + tapSource[k]] & 0xff) * tapAlpha[k];
        }
        buf[d] = acc;
      }
      return;
    }
    Arrays.fill(buf, 0f);
    for (int k = 0; k < xSource.length; k++) {
      int s = rowBase + xSource[k];
      int d = xDest[k];
      float alpha = xAlpha[k];
      for (int c = 0; c < channels; c++) {
        buf[d + c] += (src[s + c] & 0xff) * alpha;
      }
    }
  }

  /** {@code saturate_cast<uchar>(float)}: round half to even (cvRound), then clamp to 0..255. */
  private static byte saturateRound(float v) {
    double r = Math.rint(v);
    return (byte) (r <= 0 ? 0 : r >= 255 ? 255 : (int) r);
  }

  /** One axis of OpenCV's computeResizeAreaTab, as parallel arrays. */
  private record Table(int[] source, int[] dest, float[] alpha) {
    /** The most entries any one destination has (2 or 3 for a 160 -> 84 shrink). */
    int maxEntriesPerDest() {
      int most = 0;
      for (int k = 0; k < dest.length; ) {
        int first = k;
        while (k < dest.length && dest[k] == dest[first]) {
          k++;
        }
        most = Math.max(most, k - first);
      }
      return most;
    }

    /**
     * For one channel: destination d's entries at [d * taps, d * taps + its count) in table order,
     * then padding with alpha 0 that reads d's last source (so never outside the row).
     */
    void fillTaps(int taps, int[] tapSource, float[] tapAlpha) {
      for (int k = 0; k < dest.length; ) {
        int d = dest[k];
        int at = d * taps;
        int last = source[k];
        while (k < dest.length && dest[k] == d) {
          last = source[k];
          tapSource[at] = last;
          tapAlpha[at++] = alpha[k++];
        }
        for (int end = (d + 1) * taps; at < end; at++) {
          tapSource[at] = last;
          tapAlpha[at] = 0f;
        }
      }
    }

    static Table compute(int ssize, int dsize, int cn, double scale) {
      int[] source = new int[ssize * 2];
      int[] dest = new int[ssize * 2];
      float[] alpha = new float[ssize * 2];
      int k = 0;
      for (int dx = 0; dx < dsize; dx++) {
        double fsx1 = dx * scale;
        double fsx2 = fsx1 + scale;
        double cellWidth = Math.min(scale, ssize - fsx1);
        int sx1 = (int) Math.ceil(fsx1);
        int sx2 = (int) Math.floor(fsx2);
        sx2 = Math.min(sx2, ssize - 1);
        sx1 = Math.min(sx1, sx2);
        if (sx1 - fsx1 > 1e-3) {
          dest[k] = dx * cn;
          source[k] = (sx1 - 1) * cn;
          alpha[k++] = (float) ((sx1 - fsx1) / cellWidth);
        }
        for (int sx = sx1; sx < sx2; sx++) {
          dest[k] = dx * cn;
          source[k] = sx * cn;
          alpha[k++] = (float) (1.0 / cellWidth);
        }
        if (fsx2 - sx2 > 1e-3) {
          dest[k] = dx * cn;
          source[k] = sx2 * cn;
          alpha[k++] = (float) (Math.min(Math.min(fsx2 - sx2, 1.0), cellWidth) / cellWidth);
        }
      }
      return new Table(Arrays.copyOf(source, k), Arrays.copyOf(dest, k), Arrays.copyOf(alpha, k));
    }
  }
}
