package io.gymbridge.atari.preprocessing;

import io.gymbridge.atari.AtariConsole;
import io.gymbridge.codec.ClientText;
import io.gymbridge.codec.InvalidValueException;
import io.gymbridge.envs.Args;
import io.gymbridge.envs.Env;
import io.gymbridge.envs.wrappers.RecordEpisodeStatistics;
import io.gymbridge.v1.Value;
import io.gymbridge.v1.ValueList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The DQN preprocessing an Atari env id can be made with, chosen by make kwargs, and the wrappers
 * it composes. The kwargs (all optional; {@link #DEFAULT_KWARGS} lists them with their defaults):
 *
 * <pre>
 * | kwarg                     | type              | default  | what                                      |
 * |---------------------------|-------------------|----------|-------------------------------------------|
 * | preprocessing             | "none" / "nature" | "none"   | a preset; explicit kwargs override it     |
 * | atari_preprocessing       | bool              | false    | Gymnasium's AtariPreprocessing, with:     |
 * | noop_max                  | int >= 0          | 30       |   NOOPs after reset: 1..noop_max (0: off) |
 * | frame_skip                | int > 0           | 4        |   frames per step, max of the last two    |
 * | screen_size               | int or [w, h]     | 84       |   INTER_AREA resize                       |
 * | terminal_on_life_loss     | bool              | false    |   terminated when a life is lost          |
 * | grayscale_obs             | bool              | true     |   luminance instead of RGB                |
 * | grayscale_newaxis         | bool              | false    |   (h, w, 1) instead of (h, w)             |
 * | scale_obs                 | bool              | false    |   float32 in [0, 1] instead of uint8      |
 * | record_episode_statistics | bool              | false    | Gymnasium RecordEpisodeStatistics: the    |
 * |                           |                   |          |   game's unclipped score and length in    |
 * |                           |                   |          |   info["episode"] at its real end         |
 * | episodic_life             | bool              | false    | SB3 EpisodicLifeEnv                       |
 * | fire_reset                | bool              | false    | SB3 FireResetEnv (games with FIRE only)   |
 * | clip_reward               | bool              | false    | SB3 ClipRewardEnv (reward sign)           |
 * | frame_stack               | int >= 0          | 0        | FrameStackObservation size (0: none)      |
 * | stack_padding             | "reset" / "zero"  | "reset"  | FrameStackObservation padding_type        |
 * </pre>
 *
 * {@code preprocessing="nature"} is the Nature DQN pipeline: AtariPreprocessing with Gymnasium's
 * defaults (30 noops, skip 4 with max-pool, 84x84 grayscale uint8), record_episode_statistics,
 * episodic_life, fire_reset, clip_reward and a stack of 4, over an env made with frameskip 1: the
 * preset sets the env's {@code frameskip} to 1 ({@link #envKwargDefaults()}), so it works on any
 * id, {@code ALE/<Game>-v5} included, and the spec shows {@code frameskip=1}. A {@code frameskip}
 * the caller gives explicitly wins; with frame_skip &gt; 1 anything but 1 is then Gymnasium's
 * "Disable frame-skipping" error. Explicit {@code atari_preprocessing=True} without the preset
 * changes no env kwarg, as in Gymnasium (pass {@code frameskip=1} or use a NoFrameskip-v4 id).
 * Setting an option of a stage that is off (noop_max without atari_preprocessing, stack_padding
 * without frame_stack) is an error rather than a silent no-op.
 *
 * <p>Order, as CleanRL's and SB3's Atari DQN compose them: {@code
 * FrameStackObservation(ClipReward(FireReset(EpisodicLife(RecordEpisodeStatistics(
 * AtariPreprocessing(made))))))}, RecordEpisodeStatistics directly over {@code made} when
 * atari_preprocessing is off.
 *
 * <p>RecordEpisodeStatistics sits beneath EpisodicLife, FireReset and ClipReward on purpose, as
 * CleanRL's RecordEpisodeStatistics and SB3's Monitor sit beneath their life-loss and clipping
 * wrappers: the learner's episodes end at every lost life and its rewards are signs, but the figure
 * papers and benchmarks report is the game's score. So {@code info["episode"]} comes once per game,
 * on the step of the real game over or of the frame-limit truncation, never on a lost life; {@code
 * "r"} is the unclipped score of the whole game. It sits above AtariPreprocessing, where CleanRL
 * and SB3 put theirs directly over the raw env, so {@code "l"} counts agent steps (frame_skip
 * frames each), not emulator frames: the steps taken through AtariPreprocessing since the real
 * reset, which are the agent's steps plus those the wrappers above take at resets: FireReset's FIRE
 * and action-2 steps after the real reset and after every lost life, and EpisodicLife's NOOP step
 * after every lost life (their rewards count in "r" too, though those wrappers drop them).
 * Breakout, 5 lives, no early end: {@code l = agent steps + 2 + 4 * 3}. AtariPreprocessing's reset
 * NOOPs are beneath it and not counted. A game that ends on one of those reset-time steps reports
 * nothing: the wrapper that took it drops its info and resets for real, as SB3's wrappers do over
 * Monitor.
 *
 * <p>How registration uses it: {@code AtariRegistrations.PREPROCESSING} is every Atari id's {@link
 * io.gymbridge.envs.PostMakeWrapper}, which {@code EnvRegistry.make} applies to what it composed,
 * so the TimeLimit counts emulator steps beneath the frame skip, as with {@code gym.make} +
 * wrappers: the pipeline is parsed from the kwargs named in {@link #DEFAULT_KWARGS}, the env is
 * made from the others over {@link #envKwargDefaults()}, {@link #wrap} gets the AtariEnv as console
 * and whether its action 1 is FIRE, and the spec shows the env's kwargs plus {@link
 * #effectiveKwargs()}.
 */
public final class AtariPipeline {
  public static final String PRESET_NONE = "none";
  public static final String PRESET_NATURE = "nature";

  /** Every kwarg the pipeline takes, with its default (preset "none"), in the table's order. */
  public static final Map<String, Value> DEFAULT_KWARGS = defaults(PRESET_NONE);

  public static final Set<String> KWARG_NAMES = DEFAULT_KWARGS.keySet();

  /** The kwargs that configure AtariPreprocessing itself (an error without atari_preprocessing). */
  private static final Set<String> PREPROCESSING_KWARGS =
      Set.of(
          "noop_max",
          "frame_skip",
          "screen_size",
          "terminal_on_life_loss",
          "grayscale_obs",
          "grayscale_newaxis",
          "scale_obs");

  /** The deepest stack a server builds (4 is the usual value; each frame is ~7 KB per env). */
  public static final int MAX_FRAME_STACK = 128;

  private final Map<String, Value> effective;
  private final String preset;
  private final boolean atariPreprocessing;
  private final boolean recordEpisodeStatistics;
  private final AtariPreprocessing.Options preprocessingOptions;
  private final boolean episodicLife;
  private final boolean fireReset;
  private final boolean clipReward;
  private final int frameStack;
  private final FrameStackObservation.Padding stackPadding;

  private AtariPipeline(Map<String, Value> kwargs) {
    Args args = new Args("kwargs of the Atari preprocessing", kwargs, KWARG_NAMES);
    preset = args.getString("preprocessing", PRESET_NONE);
    if (!preset.equals(PRESET_NONE) && !preset.equals(PRESET_NATURE)) {
      throw new InvalidValueException(
          "preprocessing",
          "'" + PRESET_NONE + "' or '" + PRESET_NATURE + "', got " + ClientText.quote(preset));
    }
    Map<String, Value> merged = new LinkedHashMap<>(defaults(preset));
    merged.putAll(kwargs);
    Args all = new Args("kwargs of the Atari preprocessing", merged, KWARG_NAMES);

    atariPreprocessing = all.getBool("atari_preprocessing", false);
    int[] screen = screenSize(merged.get("screen_size"));
    preprocessingOptions =
        new AtariPreprocessing.Options(
            intArg(all, "noop_max"),
            intArg(all, "frame_skip"),
            screen[0],
            screen[1],
            all.getBool("terminal_on_life_loss", false),
            all.getBool("grayscale_obs", true),
            all.getBool("grayscale_newaxis", false),
            all.getBool("scale_obs", false));
    recordEpisodeStatistics = all.getBool("record_episode_statistics", false);
    episodicLife = all.getBool("episodic_life", false);
    fireReset = all.getBool("fire_reset", false);
    clipReward = all.getBool("clip_reward", false);
    frameStack = intArg(all, "frame_stack");
    if (frameStack < 0 || frameStack > MAX_FRAME_STACK) {
      throw new InvalidValueException(
          "frame_stack",
          "an integer in [0, " + MAX_FRAME_STACK + "] (0: no stacking), got " + frameStack);
    }
    stackPadding = FrameStackObservation.Padding.parse(all.getString("stack_padding", "reset"));

    if (!atariPreprocessing) {
      for (String key : PREPROCESSING_KWARGS) {
        if (kwargs.containsKey(key)) {
          throw new InvalidValueException(
              key,
              "no value while atari_preprocessing is off: set atari_preprocessing=True or"
                  + " preprocessing='nature' for it to apply");
        }
      }
    }
    if (frameStack == 0 && kwargs.containsKey("stack_padding")) {
      throw new InvalidValueException(
          "stack_padding", "no value while frame_stack is 0: set frame_stack for it to apply");
    }
    effective = Collections.unmodifiableMap(merged);
  }

  /**
   * Parses the pipeline's kwargs (only those named in {@link #KWARG_NAMES}; the registry splits a
   * make's kwargs between the pipeline and the env beneath).
   *
   * @throws InvalidValueException naming the kwarg, for an unknown name, a wrong type or value, or
   *     an option of a stage that is off
   */
  public static AtariPipeline fromKwargs(Map<String, Value> kwargs) {
    return new AtariPipeline(kwargs);
  }

  /**
   * Every pipeline kwarg with the value in effect (preset expanded, explicit kwargs applied), in
   * {@link #DEFAULT_KWARGS}'s order: what an env spec should show. Options of stages that are off
   * show their defaults and do nothing.
   */
  public Map<String, Value> effectiveKwargs() {
    return effective;
  }

  /** The effective kwargs of {@code kwargs} without keeping a pipeline (for listings). */
  public static Map<String, Value> effectiveKwargs(Map<String, Value> kwargs) {
    return fromKwargs(kwargs).effectiveKwargs();
  }

  /**
   * Env kwargs the pipeline sets unless the caller gives them: {@code frameskip=1} under the
   * "nature" preset (its AtariPreprocessing does the frame skipping), else none.
   */
  public Map<String, Value> envKwargDefaults() {
    return preset.equals(PRESET_NATURE) ? Map.of("frameskip", integer(1)) : Map.of();
  }

  /** Whether {@link #wrap} adds nothing (preset "none" and no stage turned on). */
  public boolean isIdentity() {
    return !atariPreprocessing
        && !recordEpisodeStatistics
        && !episodicLife
        && !fireReset
        && !clipReward
        && frameStack == 0;
  }

  public boolean atariPreprocessing() {
    return atariPreprocessing;
  }

  public AtariPreprocessing.Options preprocessingOptions() {
    return preprocessingOptions;
  }

  public int frameStack() {
    return frameStack;
  }

  /**
   * Wraps {@code made} (what gym.make returns for the env: TimeLimit and OrderEnforcing included)
   * with the pipeline's stages in CleanRL/SB3 order.
   *
   * @param console the Atari env beneath {@code made}, for screens, lives, frameskip and np_random
   * @param hasFire whether the game's action 1 is FIRE (SB3 adds FireReset only then; with {@code
   *     fire_reset} on and no FIRE, no FireReset is added)
   * @throws InvalidValueException when AtariPreprocessing's frame_skip > 1 over a base env that
   *     skips frames, or screen_size exceeds the screen
   */
  public Env wrap(Env made, AtariConsole console, boolean hasFire) {
    Env env = made;
    if (atariPreprocessing) {
      env = new AtariPreprocessing(env, console, preprocessingOptions);
    }
    if (recordEpisodeStatistics) {
      env = new RecordEpisodeStatistics(env); // beneath life loss and clipping: see the class doc
    }
    if (episodicLife) {
      env = new EpisodicLife(env, console);
    }
    if (fireReset && hasFire) {
      env = new FireReset(env);
    }
    if (clipReward) {
      env = new ClipReward(env);
    }
    if (frameStack > 0) {
      env = new FrameStackObservation(env, frameStack, stackPadding);
    }
    return env;
  }

  private static Map<String, Value> defaults(String preset) {
    boolean nature = preset.equals(PRESET_NATURE);
    AtariPreprocessing.Options d = AtariPreprocessing.Options.DEFAULTS;
    Map<String, Value> m = new LinkedHashMap<>();
    m.put("preprocessing", string(preset));
    m.put("atari_preprocessing", bool(nature));
    m.put("noop_max", integer(d.noopMax()));
    m.put("frame_skip", integer(d.frameSkip()));
    m.put("screen_size", integer(d.screenWidth()));
    m.put("terminal_on_life_loss", bool(d.terminalOnLifeLoss()));
    m.put("grayscale_obs", bool(d.grayscaleObs()));
    m.put("grayscale_newaxis", bool(d.grayscaleNewaxis()));
    m.put("scale_obs", bool(d.scaleObs()));
    m.put("record_episode_statistics", bool(nature));
    m.put("episodic_life", bool(nature));
    m.put("fire_reset", bool(nature));
    m.put("clip_reward", bool(nature));
    m.put("frame_stack", integer(nature ? 4 : 0));
    m.put("stack_padding", string("reset"));
    return Collections.unmodifiableMap(m);
  }

  /** Gymnasium's screen_size: an int for a square, or (width, height). Returns {width, height}. */
  private static int[] screenSize(Value v) {
    String expected = "a positive int or [width, height] of positive ints";
    return switch (v.getKindCase()) {
      case INT_VALUE -> {
        int n = positiveInt(v.getIntValue(), expected);
        yield new int[] {n, n};
      }
      case LIST -> {
        ValueList list = v.getList();
        if (list.getItemsCount() != 2
            || list.getItems(0).getKindCase() != Value.KindCase.INT_VALUE
            || list.getItems(1).getKindCase() != Value.KindCase.INT_VALUE) {
          throw new InvalidValueException(
              "screen_size", expected + ", got a list of " + list.getItemsCount() + " items");
        }
        yield new int[] {
          positiveInt(list.getItems(0).getIntValue(), expected),
          positiveInt(list.getItems(1).getIntValue(), expected)
        };
      }
      default ->
          throw new InvalidValueException(
              "screen_size", expected + ", got " + v.getKindCase().name().toLowerCase());
    };
  }

  private static int positiveInt(long n, String expected) {
    if (n <= 0 || n > Integer.MAX_VALUE) {
      throw new InvalidValueException("screen_size", expected + ", got " + n);
    }
    return (int) n;
  }

  private static int intArg(Args args, String key) {
    long v = args.getLong(key, 0);
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new InvalidValueException(key, "a 32-bit integer, got " + v);
    }
    return (int) v;
  }

  private static Value bool(boolean b) {
    return Value.newBuilder().setBoolValue(b).build();
  }

  private static Value integer(long n) {
    return Value.newBuilder().setIntValue(n).build();
  }

  private static Value string(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }
}
