package io.gymbridge.envs;

/** An rgb_array frame: {@code height * width * 3} bytes, row-major, R G B per pixel. */
public record RgbFrame(int height, int width, byte[] rgb) {
  public RgbFrame {
    if (rgb.length != height * width * 3) {
      throw new IllegalArgumentException(
          "frame "
              + height
              + "x"
              + width
              + " needs "
              + height * width * 3
              + " bytes, got "
              + rgb.length);
    }
  }
}
