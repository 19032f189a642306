package io.gymbridge.atari;

import io.gymbridge.codec.InvalidValueException;
import io.gymbridge.codec.Spaces;
import io.gymbridge.envs.Args;
import io.gymbridge.envs.Env;
import io.gymbridge.envs.ResetNeededException;
import io.gymbridge.envs.RgbFrame;
import io.gymbridge.envs.Transition;
import io.gymbridge.random.NumpyGenerator;
import io.gymbridge.random.SeedSequence;
import io.gymbridge.v1.Space;
import io.gymbridge.v1.Value;
import io.gymbridge.v1.ValueList;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.bytedeco.ale.ALEInterface;
import org.bytedeco.ale.ALEState;
import org.bytedeco.javacpp.BytePointer;

/**
 * An Atari 2600 game in the Arcade Learning Environment, bit for bit as ale-py 0.12.1's AtariEnv
 * (ALE 0.7.3 underneath, whose emulation is identical).
 *
 * <h2>Description</h2>
 *
 * The game's ROM runs in ALE's Stella emulator; each step repeats one joystick action for {@code
 * frameskip} emulator frames. With sticky actions ({@code repeat_action_probability} &gt; 0) ALE
 * keeps the previous action for a frame with that probability (Machado et al., 2018).
 *
 * <h2>Action space</h2>
 *
 * {@code Discrete(n)}: an index into the game's minimal action set (ALE's {@code
 * getMinimalActionSet}, e.g. 4 for Breakout, 6 for Pong), or into all 18 joystick actions with
 * {@code full_action_space=True}.
 *
 * <h2>Observation space</h2>
 *
 * <pre>
 * | obs_type  | Space                          | Content                             |
 * |-----------|--------------------------------|-------------------------------------|
 * | rgb       | Box(0, 255, (210, 160, 3), u8) | the screen through the NTSC palette |
 * | grayscale | Box(0, 255, (210, 160), u8)    | the palette's luminance             |
 * | ram       | Box(0, 255, (128,), u8)        | the console's 128 bytes of RAM      |
 * </pre>
 *
 * <h2>Rewards</h2>
 *
 * The game's score change, summed over the step's frames.
 *
 * <h2>Starting state</h2>
 *
 * ALE's reset of the game. Seeding as ale-py: a seed {@code s} becomes {@code
 * SeedSequence(s).generate_state(2)} = (np_seed, ale_seed); {@code np_random} is seeded with
 * np_seed, ALE's random_seed is int32(ale_seed), and the ROM is loaded again. A reset without a
 * seed continues (the first one seeds from OS entropy).
 *
 * <h2>Episode end</h2>
 *
 * Terminated when the game is over. Truncated once the episode reaches {@code
 * max_num_frames_per_episode} emulator frames (108000 = 30 minutes for the registered ids); ALE
 * stops emulating there. Both can be true on the same step, as in ale-py. info holds {@code lives},
 * {@code episode_frame_number} and {@code frame_number}, plus {@code seeds} after a seeded reset.
 *
 * <h2>Arguments</h2>
 *
 * {@code game}, {@code obs_type} ("rgb"), {@code frameskip} (an int, or a list [low, high) for a
 * frameskip drawn each step from np_random), {@code repeat_action_probability} (0.25), {@code
 * full_action_space} (False), {@code mode} and {@code difficulty} (None: the game's default),
 * {@code max_num_frames_per_episode} (None: no limit). render_mode "rgb_array".
 *
 * <h2>Version history</h2>
 *
 * v5 ({@code ALE/<Game>-v5}): frameskip 4, sticky actions 0.25. v4: no sticky actions. v0: sticky
 * actions 0.25. "NoFrameskip" ids: frameskip 1; the others: frameskip drawn from [2, 5).
 *
 * <p>Not thread-safe: one thread at a time, and its ALEInterface is never shared.
 */
public final class AtariEnv implements Env, AtariConsole {
  /** ALE's Action enum: PLAYER_A_FIRE. */
  private static final int ALE_FIRE = 1;

  private final AtariRoms roms;
  private final AtariSettings settings;
  private final Space observationSpace;
  private final Space actionSpace;
  private final int[] actionSet;
  private final int screenHeight;
  private final int screenWidth;
  private final int ramSize;
  private final byte[] scratch;

  /** Created by the first reset, so listing specs does not load ROMs. */
  private ALEInterface ale;

  /** A second ALE, without a frame limit, that tells whether a truncated episode also ended. */
  private ALEInterface gameOverProbe;

  private Path loadedRom;
  private BytePointer nativeScreen;
  private NumpyGenerator npRandom;
  private boolean hasState;

  /** Builds the env; the game's ROM must be usable (else {@link RomUnavailableException}). */
  public AtariEnv(AtariRoms roms, AtariSettings settings, String what) {
    this.roms = roms;
    this.settings = settings;
    AtariGameInfo info = roms.info(settings.game());
    settings.checkAgainst(info, what);
    this.actionSet = settings.fullActionSpace() ? info.legalActions() : info.minimalActions();
    this.screenHeight = info.screenHeight();
    this.screenWidth = info.screenWidth();
    this.ramSize = info.ramSize();
    this.actionSpace = Spaces.discrete(actionSet.length);
    this.observationSpace =
        switch (settings.obsType()) {
          case "rgb" -> Spaces.boxUint8(0, 255, screenHeight, screenWidth, 3);
          case "grayscale" -> Spaces.boxUint8(0, 255, screenHeight, screenWidth);
          default -> Spaces.boxUint8(0, 255, ramSize);
        };
    this.scratch = new byte[screenHeight * screenWidth * 3];
  }

  /** The factory a registration uses: registration defaults, overridden by the make kwargs. */
  public static AtariEnv fromKwargs(
      AtariRoms roms, String envId, Map<String, Value> defaults, Args kwargs) {
    String what = "kwargs of " + envId;
    return new AtariEnv(roms, AtariSettings.from(what, defaults, kwargs), what);
  }

  public AtariSettings settings() {
    return settings;
  }

  /**
   * Whether action 1 is FIRE and there are at least 3 actions, as Stable-Baselines3's FireResetEnv
   * checks {@code get_action_meanings()}: ALE's action id 1 is FIRE, and ale-py's meanings name the
   * ids of the action set in use (minimal or full).
   */
  public boolean hasFireAction() {
    return actionSet.length >= 3 && actionSet[1] == ALE_FIRE;
  }

  @Override
  public Space observationSpace() {
    return observationSpace;
  }

  @Override
  public Space actionSpace() {
    return actionSpace;
  }

  @Override
  public void reset(Long seed, Map<String, Value> options, Transition out) {
    new Args("options of Atari " + settings.game(), options, Set.of());
    long[] seeds = null;
    if (seed != null) {
      if (seed < 0) {
        throw new InvalidValueException(
            "seed", "an integer >= 0, as Gymnasium requires, got " + seed);
      }
      seeds = seedAndLoad(new SeedSequence(seed));
    } else if (ale == null) {
      seedAndLoad(SeedSequence.fromOsEntropy()); // ale-py does this when it is constructed
    }
    ale.reset_game();
    hasState = true;
    if (!out.discardsObservation()) {
      writeObservation(out.obs());
    }
    writeInfo(out.info());
    if (seeds != null) {
      out.info()
          .put(
              "seeds",
              Value.newBuilder()
                  .setList(
                      ValueList.newBuilder()
                          .addItems(Value.newBuilder().setIntValue(seeds[0]))
                          .addItems(Value.newBuilder().setIntValue(seeds[1])))
                  .build());
    }
  }

  /** ale-py's seed_game then load_game; returns (np_seed, ale_seed) as the uint32s they are. */
  private long[] seedAndLoad(SeedSequence seq) {
    int[] state = seq.generateState(2);
    long npSeed = state[0] & 0xFFFFFFFFL;
    npRandom = NumpyGenerator.fromSeed(npSeed);
    if (ale == null) {
      ale = AleNative.newInterface();
      ale.setFloat("repeat_action_probability", settings.repeatActionProbability());
      if (settings.maxNumFramesPerEpisode() != null) {
        ale.setInt("max_num_frames_per_episode", settings.maxNumFramesPerEpisode());
      }
    }
    ale.setInt("random_seed", state[1]); // np.int32(ale_seed): the same 32 bits, signed
    loadedRom = roms.requireRom(settings.game()); // checked before every loadROM: exit(1) trap
    ale.loadROM(loadedRom.toString());
    if (settings.mode() != null) {
      ale.setMode(settings.mode());
    }
    if (settings.difficulty() != null) {
      ale.setDifficulty(settings.difficulty());
    }
    return new long[] {npSeed, state[1] & 0xFFFFFFFFL};
  }

  @Override
  public void step(ByteBuffer action, Transition out) {
    if (!hasState) {
      throw new ResetNeededException("Call reset before using step method.");
    }
    int aleAction = actionSet[(int) action.getLong(0)];
    int frameskip =
        settings.frameskipHigh() == null
            ? settings.frameskipLow()
            : (int) npRandom.integers(settings.frameskipLow(), settings.frameskipHigh());
    double reward = 0.0;
    for (int i = 0; i < frameskip; i++) {
      reward += ale.act(aleAction);
    }
    Integer maxFrames = settings.maxNumFramesPerEpisode();
    boolean truncated = maxFrames != null && ale.getEpisodeFrameNumber() >= maxFrames;
    // ALE 0.7.3's game_over() counts reaching the frame limit as over; ale-py 0.12.1's
    // game_over(with_truncation=False) does not, so only a truncated step needs a closer look.
    boolean terminated = truncated ? gameOverIgnoringFrameLimit() : ale.game_over();
    if (!out.discardsObservation()) {
      writeObservation(out.obs());
    }
    out.setReward(reward);
    out.setTerminated(terminated);
    out.setTruncated(truncated);
    writeInfo(out.info());
  }

  /**
   * Whether the game itself is over, whatever the frame limit: the state is copied into an ALE
   * loaded without a limit, whose game_over() then reads only the game's own end. Runs at most once
   * per truncated step (every 108000 frames with the registered ids).
   */
  private boolean gameOverIgnoringFrameLimit() {
    if (gameOverProbe == null) {
      gameOverProbe = AleNative.newInterface();
      gameOverProbe.loadROM(loadedRom.toString());
    }
    try (ALEState state = ale.cloneState()) {
      gameOverProbe.restoreState(state);
      return gameOverProbe.game_over();
    }
  }

  private void writeObservation(ByteBuffer obs) {
    switch (settings.obsType()) {
      case "rgb" -> {
        screenRgb(scratch);
        obs.put(0, scratch, 0, screenHeight * screenWidth * 3);
      }
      case "grayscale" -> {
        screenGrayscale(scratch);
        obs.put(0, scratch, 0, screenHeight * screenWidth);
      }
      default -> {
        ale.getRAM().array().get(scratch, 0, ramSize);
        obs.put(0, scratch, 0, ramSize);
      }
    }
  }

  private void writeInfo(Map<String, Value> info) {
    info.put("lives", Value.newBuilder().setIntValue(ale.lives()).build());
    info.put(
        "episode_frame_number",
        Value.newBuilder().setIntValue(ale.getEpisodeFrameNumber()).build());
    info.put("frame_number", Value.newBuilder().setIntValue(ale.getFrameNumber()).build());
  }

  /**
   * ALE's emulator, screen buffers and the preprocessing's frame buffers: 64 Breakout envs with the
   * Nature preprocessing added 70-100 MB to the server's RSS, 64 with RGB frames 58 MB.
   */
  @Override
  public long baseBytes() {
    return 1L << 20;
  }

  /** A step emulates 1 to 5 frames (~0.1 ms each): worth a thread of its own in a vector. */
  @Override
  public boolean costlyStep() {
    return true;
  }

  @Override
  public RgbFrame render() {
    if (!hasState) {
      throw new ResetNeededException("Cannot call render before reset.");
    }
    byte[] rgb = new byte[screenHeight * screenWidth * 3];
    screenRgb(rgb);
    return new RgbFrame(screenHeight, screenWidth, rgb);
  }

  @Override
  public int screenHeight() {
    return screenHeight;
  }

  @Override
  public int screenWidth() {
    return screenWidth;
  }

  /**
   * The palette lookup that ALE's getScreenGrayscale does, without the copy through JavaCPP's
   * std::vector adapter.
   */
  @Override
  public void screenGrayscale(byte[] dst) {
    int pixels = screenHeight * screenWidth;
    BytePointer buf = nativeScreen();
    ale.theOSystem().colourPalette().applyPaletteGrayscale(buf, ale.getScreen().getArray(), pixels);
    buf.position(0).get(dst, 0, pixels);
  }

  @Override
  public void screenRgb(byte[] dst) {
    int pixels = screenHeight * screenWidth;
    BytePointer buf = nativeScreen();
    ale.theOSystem().colourPalette().applyPaletteRGB(buf, ale.getScreen().getArray(), pixels);
    buf.position(0).get(dst, 0, pixels * 3);
  }

  private BytePointer nativeScreen() {
    if (ale == null) {
      throw new ResetNeededException("Call reset before reading the screen.");
    }
    if (nativeScreen == null) {
      nativeScreen = new BytePointer((long) screenHeight * screenWidth * 3);
    }
    return nativeScreen;
  }

  @Override
  public int lives() {
    if (ale == null) {
      throw new ResetNeededException("Call reset before reading lives.");
    }
    return ale.lives();
  }

  /** The fixed frameskip; 0 when it is drawn each step (AtariPreprocessing needs 1). */
  @Override
  public int frameskip() {
    return settings.frameskipHigh() == null ? settings.frameskipLow() : 0;
  }

  @Override
  public NumpyGenerator npRandom() {
    return npRandom;
  }

  @Override
  public void close() {
    hasState = false;
    if (ale != null) {
      ale.close();
      ale = null;
    }
    if (gameOverProbe != null) {
      gameOverProbe.close();
      gameOverProbe = null;
    }
    if (nativeScreen != null) {
      nativeScreen.close();
      nativeScreen = null;
    }
  }
}
