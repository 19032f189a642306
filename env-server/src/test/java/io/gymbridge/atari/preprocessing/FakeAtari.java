package io.gymbridge.atari.preprocessing;

import io.gymbridge.atari.AtariConsole;
import io.gymbridge.codec.Spaces;
import io.gymbridge.envs.Env;
import io.gymbridge.envs.EnvRandom;
import io.gymbridge.envs.RgbFrame;
import io.gymbridge.envs.Transition;
import io.gymbridge.random.NumpyGenerator;
import io.gymbridge.v1.Space;
import io.gymbridge.v1.Value;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntToDoubleFunction;

/**
 * A deterministic stand-in for the ALE env (an {@link Env} and its {@link AtariConsole}), so the
 * wrappers can be tested without ROMs. Every reset and step shows a new screen, numbered by {@link
 * #screenId()}; its pixels are a fixed hash of that number ({@link #gray}, {@link #rgb}), so a test
 * can recompute any screen. The observation is the RGB screen.
 *
 * <p>Step {@code t} of an episode (1, 2, ...) pays {@code reward.applyAsDouble(t)}, loses a life
 * when {@code t} is in {@code lifeLossAt}, terminates when lives reach 0 or {@code t ==
 * terminateAt}, and truncates when {@code t == truncateAt} (0: never). Info carries lives,
 * episode_frame_number and frame_number, as ale_py does. np_random is Gymnasium's: reseeded by a
 * seeded reset. Every reset (with its seed) and every action is recorded.
 */
final class FakeAtari implements Env, AtariConsole {
  final int height;
  final int width;
  int baseFrameskip = 1;
  int startLives = 3;
  Set<Integer> lifeLossAt = new HashSet<>();
  Set<Integer> lifeGainAt = new HashSet<>();
  int terminateAt;
  int truncateAt;
  boolean writeInfo = true;
  boolean writeObservation = true;
  boolean recordActions = true;
  IntToDoubleFunction reward = t -> t;

  final List<Long> actions = new ArrayList<>();
  final List<Long> resetSeeds = new ArrayList<>();
  private final EnvRandom random = new EnvRandom();
  private long screenId = -1;
  private int t;
  private int lives;
  private long frameNumber;

  FakeAtari(int height, int width) {
    this.height = height;
    this.width = width;
  }

  FakeAtari() {
    this(210, 160);
  }

  /** The number of the screen now shown. */
  long screenId() {
    return screenId;
  }

  int resets() {
    return resetSeeds.size();
  }

  /** Grayscale pixel {@code i} of screen {@code id}. */
  static int gray(long id, int i) {
    return (int) (mix(id * 0x9E3779B97F4A7C15L + i) & 0xff);
  }

  /** RGB byte {@code j} (pixel j / 3, channel j % 3) of screen {@code id}. */
  static int rgb(long id, int j) {
    return (int) (mix(~id * 0xBF58476D1CE4E5B9L + j) & 0xff);
  }

  /** The whole grayscale screen {@code id}. */
  byte[] grayScreen(long id) {
    byte[] b = new byte[height * width];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) gray(id, i);
    }
    return b;
  }

  byte[] rgbScreen(long id) {
    byte[] b = new byte[height * width * 3];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) rgb(id, i);
    }
    return b;
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  @Override
  public Space observationSpace() {
    return Spaces.boxUint8(0, 255, height, width, 3);
  }

  @Override
  public Space actionSpace() {
    return Spaces.discrete(4);
  }

  @Override
  public void reset(Long seed, Map<String, Value> options, Transition out) {
    random.onReset(seed);
    resetSeeds.add(seed);
    screenId++;
    t = 0;
    lives = startLives;
    writeObs(out);
    info(out);
  }

  @Override
  public void step(ByteBuffer action, Transition out) {
    if (recordActions) {
      actions.add(action.getLong(0));
    }
    screenId++;
    frameNumber++;
    t++;
    if (!lifeLossAt.isEmpty() && lifeLossAt.contains(t)) {
      lives--;
    }
    if (!lifeGainAt.isEmpty() && lifeGainAt.contains(t)) {
      lives++;
    }
    writeObs(out);
    out.setReward(reward.applyAsDouble(t));
    out.setTerminated(lives == 0 || t == terminateAt);
    out.setTruncated(t == truncateAt);
    info(out);
  }

  private void writeObs(Transition out) {
    if (!writeObservation) {
      return;
    }
    ByteBuffer obs = out.obs();
    int n = height * width * 3;
    for (int j = 0; j < n; j++) {
      obs.put(j, (byte) rgb(screenId, j));
    }
  }

  private void info(Transition out) {
    if (writeInfo) {
      out.info().put("lives", Value.newBuilder().setIntValue(lives).build());
      out.info().put("episode_frame_number", Value.newBuilder().setIntValue(t).build());
      out.info().put("frame_number", Value.newBuilder().setIntValue(frameNumber).build());
    }
  }

  @Override
  public RgbFrame render() {
    return new RgbFrame(height, width, rgbScreen(screenId));
  }

  @Override
  public int screenHeight() {
    return height;
  }

  @Override
  public int screenWidth() {
    return width;
  }

  @Override
  public void screenGrayscale(byte[] dst) {
    for (int i = 0; i < height * width; i++) {
      dst[i] = (byte) gray(screenId, i);
    }
  }

  @Override
  public void screenRgb(byte[] dst) {
    for (int j = 0; j < height * width * 3; j++) {
      dst[j] = (byte) rgb(screenId, j);
    }
  }

  @Override
  public int lives() {
    return lives;
  }

  @Override
  public int frameskip() {
    return baseFrameskip;
  }

  @Override
  public NumpyGenerator npRandom() {
    return random.generator();
  }
}
