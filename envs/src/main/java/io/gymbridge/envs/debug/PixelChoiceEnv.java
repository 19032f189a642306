package io.gymbridge.envs.debug;

import io.gymbridge.codec.Spaces;
import io.gymbridge.envs.Args;
import io.gymbridge.envs.Env;
import io.gymbridge.envs.EnvRandom;
import io.gymbridge.envs.ResetNeededException;
import io.gymbridge.envs.RgbFrame;
import io.gymbridge.envs.Transition;
import io.gymbridge.random.NumpyGenerator;
import io.gymbridge.random.Pcg64;
import io.gymbridge.v1.Space;
import io.gymbridge.v1.Value;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * A one-glance pixel task for testing that a convolutional learner learns at all, in seconds rather
 * than the hours an Atari game takes: say which half of a noisy image holds a bright square.
 *
 * <h2>Description</h2>
 *
 * Every step shows a fresh 36x36 grayscale image: background noise with a 10x10 white square in the
 * left or the right half. The agent names the half. Nothing carries over from one image to the
 * next, so the optimal policy reads the square off the current observation; a random one is right
 * half the time.
 *
 * <h2>Action space</h2>
 *
 * {@code Discrete(2)}: 0 says "left", 1 says "right".
 *
 * <h2>Observation space</h2>
 *
 * {@code Box(uint8, [1, 36, 36])}, channels first (one channel), row-major:
 *
 * <pre>
 * | Pixels                 | Value                  | Min | Max |
 * |------------------------|------------------------|-----|-----|
 * | background             | uniform noise          | 0   | 63  |
 * | the square, 10x10      | white                  | 255 | 255 |
 * </pre>
 *
 * The square's top row is uniform in 0..26, and its left column uniform in 0..8 (left half: columns
 * 0..17) or 18..26 (right half: columns 18..35), so it always lies wholly in one half. Side, row
 * and column are drawn with {@code np_random.integers} (0..1, 0..26, 0..8 in that order), then the
 * 1296 noise pixels come 6 bits at a time, 10 per {@code bit_generator.random_raw()} value, low
 * bits first.
 *
 * <h2>Rewards</h2>
 *
 * +1.0 when the action names the half the square was in, in the observation the action was chosen
 * from (the one the previous reset or step returned); 0.0 otherwise. A random policy scores 8 per
 * episode on average, the optimal one 16.
 *
 * <h2>Starting state</h2>
 *
 * A fresh image drawn from the env's PCG64 generator, seeded as Gymnasium seeds {@code np_random}:
 * {@code reset(seed=s)} gives the same images for the same s, an unseeded reset continues the
 * stream.
 *
 * <h2>Episode end</h2>
 *
 * Terminated (never truncated) on the 16th step after reset. The registration has no time limit:
 * the env ends its episodes itself, and a TimeLimit of 16 would mark that same step truncated as
 * well. Stepping on after the end keeps showing images and paying for right answers, still
 * terminated.
 *
 * <h2>Arguments</h2>
 *
 * No kwargs and no reset options. render_mode "rgb_array": the current image as 36x36 gray RGB.
 *
 * <h2>Version history</h2>
 *
 * v0: the first version.
 */
public final class PixelChoiceEnv implements Env {
  /** Image side, pixels. */
  public static final int SIZE = 36;

  /** Width of each half; the left half is columns 0..HALF-1. */
  public static final int HALF = SIZE / 2;

  /** The square's side, pixels. */
  public static final int SQUARE = 10;

  /** Steps per episode. */
  public static final int EPISODE_STEPS = 16;

  /** Background pixels are uniform in 0..NOISE_MAX. */
  public static final int NOISE_MAX = 63;

  /** Frames per second a viewer should play renders at (the spec's render_fps). */
  public static final double RENDER_FPS = 4;

  private static final int PIXELS = SIZE * SIZE;
  private static final int NOISE_BITS = 6;
  private static final int PIXELS_PER_DRAW = Long.SIZE / NOISE_BITS;
  private static final Space OBSERVATION_SPACE = Spaces.boxUint8(0, 255, 1, SIZE, SIZE);
  private static final Space ACTION_SPACE = Spaces.discrete(2);

  private final EnvRandom random = new EnvRandom();
  private final byte[] image = new byte[PIXELS];

  /** The half the shown square is in: 0 left, 1 right; -1 before the first reset. */
  private int side = -1;

  private int steps;

  /** Builds the env from make kwargs (it takes none). */
  public static PixelChoiceEnv fromKwargs(Args kwargs) {
    return new PixelChoiceEnv();
  }

  @Override
  public Space observationSpace() {
    return OBSERVATION_SPACE;
  }

  @Override
  public Space actionSpace() {
    return ACTION_SPACE;
  }

  @Override
  public void reset(Long seed, Map<String, Value> options, Transition out) {
    if (!options.isEmpty()) {
      new Args("options of PixelChoice", options, Set.of()); // throws, naming the options
    }
    draw(random.onReset(seed));
    steps = 0;
    out.obs().put(0, image);
  }

  @Override
  public void step(ByteBuffer action, Transition out) {
    if (side < 0) {
      throw new ResetNeededException("Call reset before using step method.");
    }
    out.setReward(action.getLong(0) == side ? 1.0 : 0.0);
    steps++;
    draw(random.generator());
    out.obs().put(0, image);
    out.setTerminated(steps >= EPISODE_STEPS);
  }

  /** A new image into {@link #image}: the square's place, then the noise around it. */
  private void draw(NumpyGenerator rng) {
    side = (int) rng.integers(0, 2);
    int top = (int) rng.integers(0, SIZE - SQUARE + 1);
    int left = side * HALF + (int) rng.integers(0, HALF - SQUARE + 1);
    Pcg64 bits = rng.bitGenerator();
    long word = 0;
    for (int i = 0; i < PIXELS; i++) {
      if (i % PIXELS_PER_DRAW == 0) {
        word = bits.nextLong();
      }
      image[i] = (byte) (word & NOISE_MAX);
      word >>>= NOISE_BITS;
    }
    for (int r = top; r < top + SQUARE; r++) {
      Arrays.fill(image, r * SIZE + left, r * SIZE + left + SQUARE, (byte) 255);
    }
  }

  @Override
  public RgbFrame render() {
    if (side < 0) {
      throw new ResetNeededException("Cannot call render before reset.");
    }
    byte[] rgb = new byte[PIXELS * 3];
    for (int i = 0; i < PIXELS; i++) {
      rgb[3 * i] = image[i];
      rgb[3 * i + 1] = image[i];
      rgb[3 * i + 2] = image[i];
    }
    return new RgbFrame(SIZE, SIZE, rgb);
  }
}
