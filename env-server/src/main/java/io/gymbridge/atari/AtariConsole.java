package io.gymbridge.atari;

import io.gymbridge.random.NumpyGenerator;

/**
 * What the DQN preprocessing wrappers read from the emulator beneath them, as Gymnasium's
 * AtariPreprocessing reads {@code env.unwrapped.ale} and {@code env.unwrapped.np_random}. The Atari
 * env implements it; wrappers reach it without unwrapping a chain of envs.
 */
public interface AtariConsole {
  /** Screen rows (210 for every ALE game). */
  int screenHeight();

  /** Screen columns (160 for every ALE game). */
  int screenWidth();

  /** The current screen as ALE's palette luminance, row-major {@code height * width} bytes. */
  void screenGrayscale(byte[] dst);

  /** The current screen as RGB, row-major {@code height * width * 3} bytes. */
  void screenRgb(byte[] dst);

  /** Lives left, as {@code ale.lives()}. */
  int lives();

  /** Emulator frames per env step (AtariPreprocessing needs 1 beneath it). */
  int frameskip();

  /**
   * The env's {@code np_random} (after a reset), which AtariPreprocessing draws noop counts from.
   */
  NumpyGenerator npRandom();
}
