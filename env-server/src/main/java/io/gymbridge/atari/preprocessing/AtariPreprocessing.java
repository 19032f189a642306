package io.gymbridge.atari.preprocessing;

import io.gymbridge.atari.AtariConsole;
import io.gymbridge.codec.InvalidValueException;
import io.gymbridge.codec.Spaces;
import io.gymbridge.envs.Env;
import io.gymbridge.envs.Transition;
import io.gymbridge.envs.wrappers.EnvWrapper;
import io.gymbridge.v1.Space;
import io.gymbridge.v1.Value;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;

/**
 * Gymnasium 1.3.0's {@code AtariPreprocessing} (Machado et al. 2018), step for step: noop reset,
 * frame skip with a max over the last two frames, INTER_AREA resize, optional life-loss
 * termination, grayscale and scaling. Frame stacking is {@link FrameStackObservation}'s job.
 *
 * <p>What it reproduces exactly, because the observations depend on it:
 *
 * <ul>
 *   <li>Reset: the inner reset, then {@code np_random.integers(1, noop_max + 1)} NOOP steps drawn
 *       from the env's own generator ({@link AtariConsole#npRandom()}), each step's info merged
 *       into the reset info; an episode that ends during the noops is reset again with the same
 *       seed and options (so a seeded reset reseeds twice, as Gymnasium does), and its info
 *       replaces the merged one; the noop loop then goes on. The frame is buffer 0; buffer 1 is
 *       zeroed.
 *   <li>Step: the action repeated {@code frame_skip} times, rewards summed in a double. The screen
 *       after the second-to-last repeat goes to buffer 1, after the last to buffer 0, and the
 *       observation is {@code max(buffer0, buffer1)} written <em>into buffer 0</em>. When the
 *       episode ends mid-skip the loop breaks before those grabs, so the observation is made of
 *       stale buffers: the previous step's max-pooled frame (and, when the end came on the last
 *       repeat, the fresh second-to-last frame). The info is the last inner step's.
 *   <li>{@code terminal_on_life_loss}: terminated as soon as {@code lives()} drops below the count
 *       seen at reset or at the previous repeat.
 * </ul>
 *
 * The wrapped env is what {@code gym.make} returns (OrderEnforcing, TimeLimit and all); the console
 * is the Atari env underneath, read for the screen, lives, base frameskip and np_random. Screens
 * come from the console, never from the wrapped env's observation, as Gymnasium reads {@code
 * ale.getScreenGrayscale}.
 *
 * <p>Observation space: {@code Box(0, 255, (h, w), uint8)}; {@code (h, w, 1)} with
 * grayscale_newaxis; {@code (h, w, 3)} without grayscale_obs; float32 in [0, 1] with scale_obs
 * ({@code float32(v) / 255}).
 *
 * <p>Steps allocate no frame buffers: two screen buffers, the resized frame and the inner
 * transition are made once. The inner transition discards its observation (the screens come from
 * the console), so the env beneath skips rendering a frame that Gymnasium would render and drop.
 */
public final class AtariPreprocessing extends EnvWrapper {
  private static final ByteBuffer NOOP = Actions.discrete(Actions.NOOP);

  /**
   * Gymnasium's keyword arguments; {@link #DEFAULTS} are Gymnasium's defaults.
   *
   * @param noopMax the most NOOPs after reset (0 turns noop reset off)
   * @param frameSkip env frames per step (1: no skip and no max-pooling)
   * @param screenWidth width after resizing (screen_size is (width, height) in Gymnasium)
   * @param screenHeight height after resizing
   * @param terminalOnLifeLoss terminate when a life is lost
   * @param grayscaleObs palette luminance instead of RGB
   * @param grayscaleNewaxis add a channel axis of 1 to grayscale frames
   * @param scaleObs float32 in [0, 1] instead of uint8
   */
  public record Options(
      int noopMax,
      int frameSkip,
      int screenWidth,
      int screenHeight,
      boolean terminalOnLifeLoss,
      boolean grayscaleObs,
      boolean grayscaleNewaxis,
      boolean scaleObs) {
    public static final Options DEFAULTS = new Options(30, 4, 84, 84, false, true, false, false);

    /**
     * The most reset NOOPs a server runs: 10,000 frames take about a second of emulation. Gymnasium
     * has no bound; a server shared by many clients needs one (30 is the usual value).
     */
    public static final int MAX_NOOP_MAX = 10_000;

    /** The most frames one step may skip: 1,000 frames take about 0.1 s (4 is the usual value). */
    public static final int MAX_FRAME_SKIP = 1_000;

    /** Gymnasium's assertions, plus the server's bounds, as errors that name the kwarg. */
    public Options {
      if (noopMax < 0 || noopMax > MAX_NOOP_MAX) {
        throw new InvalidValueException(
            "noop_max", "an integer in [0, " + MAX_NOOP_MAX + "], got " + noopMax);
      }
      if (frameSkip <= 0 || frameSkip > MAX_FRAME_SKIP) {
        throw new InvalidValueException(
            "frame_skip", "an integer in [1, " + MAX_FRAME_SKIP + "], got " + frameSkip);
      }
      if (screenWidth <= 0 || screenHeight <= 0) {
        throw new InvalidValueException(
            "screen_size",
            "a positive int or [width, height] of positive ints, got ["
                + screenWidth
                + ", "
                + screenHeight
                + "]");
      }
    }
  }

  private final AtariConsole console;
  private final Options options;
  private final Space observationSpace;
  private final Transition inner;
  private final byte[][] obsBuffer;
  private final byte[] resized;
  private final AreaResize resize;
  private final int channels;
  private int lives;
  private boolean gameOver;

  /**
   * @throws InvalidValueException when {@code frame_skip > 1} and the base env skips frames itself
   *     (Gymnasium's ValueError), or the screen size is larger than the console's screen
   */
  public AtariPreprocessing(Env env, AtariConsole console, Options options) {
    super(env);
    this.console = console;
    this.options = options;
    if (options.frameSkip() > 1 && console.frameskip() != 1) {
      throw new InvalidValueException(
          "Disable frame-skipping in the original env. Otherwise, more than one frame-skip will"
              + " happen as through this wrapper (AtariPreprocessing frame_skip="
              + options.frameSkip()
              + " needs the env made with frameskip=1, got frameskip="
              + console.frameskip()
              + "; use a <Game>NoFrameskip-v4 id or pass frameskip=1)");
    }
    int h = console.screenHeight();
    int w = console.screenWidth();
    if (options.screenWidth() > w || options.screenHeight() > h) {
      throw new InvalidValueException(
          "screen_size",
          "at most the screen's "
              + w
              + "x"
              + h
              + " (width x height; only INTER_AREA shrinking is implemented), got "
              + options.screenWidth()
              + "x"
              + options.screenHeight());
    }
    this.channels = options.grayscaleObs() ? 1 : 3;
    this.obsBuffer = new byte[][] {new byte[h * w * channels], new byte[h * w * channels]};
    this.resize = new AreaResize(h, w, options.screenHeight(), options.screenWidth(), channels);
    this.resized = new byte[resize.dstBytes()];
    this.inner = Transition.discardingObservation(Spaces.elementBytes(env.observationSpace()));
    this.observationSpace = space(options);
  }

  private static Space space(Options o) {
    long[] shape =
        o.grayscaleObs()
            ? (o.grayscaleNewaxis()
                ? new long[] {o.screenHeight(), o.screenWidth(), 1}
                : new long[] {o.screenHeight(), o.screenWidth()})
            : new long[] {o.screenHeight(), o.screenWidth(), 3};
    if (!o.scaleObs()) {
      return Spaces.boxUint8(0, 255, shape);
    }
    int n = Math.toIntExact(Arrays.stream(shape).reduce(1, (a, b) -> a * b));
    float[] low = new float[n];
    float[] high = new float[n];
    Arrays.fill(high, 1f);
    return Spaces.boxFloat32(low, high, shape);
  }

  public Options options() {
    return options;
  }

  @Override
  public Space observationSpace() {
    return observationSpace;
  }

  @Override
  public void reset(Long seed, Map<String, Value> resetOptions, Transition out) {
    Map<String, Value> info = out.info();
    info.clear();
    inner.clear();
    env.reset(seed, resetOptions, inner);
    info.putAll(inner.info());

    long noops = options.noopMax() > 0 ? console.npRandom().integers(1, options.noopMax() + 1L) : 0;
    for (long i = 0; i < noops; i++) {
      inner.clear();
      env.step(NOOP, inner);
      info.putAll(inner.info());
      if (inner.terminated() || inner.truncated()) {
        inner.clear();
        env.reset(seed, resetOptions, inner);
        info.clear();
        info.putAll(inner.info());
      }
    }

    lives = console.lives();
    grab(obsBuffer[0]);
    Arrays.fill(obsBuffer[1], (byte) 0);
    writeObservation(out);
  }

  @Override
  public void step(ByteBuffer action, Transition out) {
    double totalReward = 0.0;
    boolean terminated = false;
    boolean truncated = false;
    int frameSkip = options.frameSkip();
    for (int t = 0; t < frameSkip; t++) {
      inner.clear();
      env.step(action, inner);
      totalReward += inner.reward();
      terminated = inner.terminated();
      truncated = inner.truncated();
      gameOver = terminated;

      if (options.terminalOnLifeLoss()) {
        int newLives = console.lives();
        terminated = terminated || newLives < lives;
        gameOver = terminated;
        lives = newLives;
      }

      if (terminated || truncated) {
        break;
      }
      if (t == frameSkip - 2) {
        grab(obsBuffer[1]);
      } else if (t == frameSkip - 1) {
        grab(obsBuffer[0]);
      }
    }
    writeObservation(out);
    out.setReward(totalReward);
    out.setTerminated(terminated);
    out.setTruncated(truncated);
    out.info().clear();
    out.info().putAll(inner.info());
  }

  /** Gymnasium's {@code game_over}: the last step ended the episode (or lost a life, see above). */
  public boolean gameOver() {
    return gameOver;
  }

  private void grab(byte[] dst) {
    if (options.grayscaleObs()) {
      console.screenGrayscale(dst);
    } else {
      console.screenRgb(dst);
    }
  }

  /** Gymnasium's {@code _get_obs}: the in-place max into buffer 0, resize, then scale. */
  private void writeObservation(Transition out) {
    byte[] b0 = obsBuffer[0];
    if (options.frameSkip() > 1) {
      byte[] b1 = obsBuffer[1];
      for (int i = 0; i < b0.length; i++) {
        b0[i] = (byte) Math.max(b0[i] & 0xff, b1[i] & 0xff); // branch-free: the JIT's fast form
      }
    }
    resize.resize(b0, resized);
    ByteBuffer obs = out.obs();
    if (options.scaleObs()) {
      for (int i = 0; i < resized.length; i++) {
        obs.putFloat(i * Float.BYTES, (resized[i] & 0xff) / 255f);
      }
    } else {
      obs.put(0, resized, 0, resized.length);
    }
  }
}
