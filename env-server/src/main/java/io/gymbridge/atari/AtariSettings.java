package io.gymbridge.atari;

import io.gymbridge.codec.ClientText;
import io.gymbridge.codec.InvalidValueException;
import io.gymbridge.envs.Args;
import io.gymbridge.v1.Value;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The kwargs of ale-py's AtariEnv that this server takes, validated as ale-py validates them.
 *
 * @param game ROM id in snake_case, e.g. "breakout"
 * @param obsType "rgb", "grayscale" or "ram"
 * @param frameskipLow emulator frames per step, or the low end of a stochastic frameskip
 * @param frameskipHigh null for a fixed frameskip; else the exclusive high end, the frameskip of
 *     each step being {@code np_random.integers(low, high)}
 * @param repeatActionProbability sticky actions: the chance ALE repeats the previous action for a
 *     frame (ALE keeps it as a float32)
 * @param fullActionSpace all 18 actions instead of the game's minimal set
 * @param mode game mode, or null for the game's default
 * @param difficulty game difficulty, or null for the default
 * @param maxNumFramesPerEpisode frames after which the episode is truncated, or null for none
 */
public record AtariSettings(
    String game,
    String obsType,
    int frameskipLow,
    Integer frameskipHigh,
    float repeatActionProbability,
    boolean fullActionSpace,
    Integer mode,
    Integer difficulty,
    Integer maxNumFramesPerEpisode) {

  /**
   * The most frames one step may repeat its action: 1,000 frames take about 0.1 s. ale-py has no
   * bound; a server shared by many clients needs one (4 is the usual value).
   */
  public static final int MAX_FRAMESKIP = 1_000;

  /** The kwargs names, as ale-py's AtariEnv names them. */
  public static final Set<String> KWARGS =
      Set.of(
          "game",
          "obs_type",
          "frameskip",
          "repeat_action_probability",
          "full_action_space",
          "mode",
          "difficulty",
          "max_num_frames_per_episode");

  private static final Set<String> OBS_TYPES = Set.of("rgb", "grayscale", "ram");

  /** Default kwargs of a registration: the given ones, with ale-py's defaults for the rest. */
  public static Map<String, Value> registrationKwargs(
      String game, Value frameskip, double repeatActionProbability) {
    Map<String, Value> kwargs = new LinkedHashMap<>();
    kwargs.put("game", Value.newBuilder().setStringValue(game).build());
    kwargs.put("obs_type", Value.newBuilder().setStringValue("rgb").build());
    kwargs.put("frameskip", frameskip);
    kwargs.put(
        "repeat_action_probability",
        Value.newBuilder().setFloatValue(repeatActionProbability).build());
    kwargs.put("full_action_space", Value.newBuilder().setBoolValue(false).build());
    kwargs.put("mode", Value.getDefaultInstance());
    kwargs.put("difficulty", Value.getDefaultInstance());
    kwargs.put("max_num_frames_per_episode", Value.newBuilder().setIntValue(108_000).build());
    return kwargs;
  }

  /**
   * Reads the kwargs over the registration's defaults; {@code what} names them in errors. Mode and
   * difficulty are checked later against the game ({@link #checkAgainst}).
   */
  public static AtariSettings from(String what, Map<String, Value> defaults, Args kwargs) {
    Map<String, Value> merged = new LinkedHashMap<>(defaults);
    merged.putAll(kwargs.values());
    Args args = new Args(what, merged, KWARGS);
    String game = args.getString("game", null);
    if (game == null || game.isEmpty()) {
      throw new InvalidValueException(what + "['game']", "a ROM id such as 'breakout'");
    }
    String obsType = args.getString("obs_type", "rgb");
    if (!OBS_TYPES.contains(obsType)) {
      throw new InvalidValueException(
          what + "['obs_type']",
          "one of 'rgb', 'grayscale', 'ram', got " + ClientText.quote(obsType));
    }
    int low;
    Integer high = null;
    Value fs = merged.getOrDefault("frameskip", Value.newBuilder().setIntValue(4).build());
    switch (fs.getKindCase()) {
      case INT_VALUE -> {
        if (fs.getIntValue() <= 0 || fs.getIntValue() > MAX_FRAMESKIP) {
          throw new InvalidValueException(
              what + "['frameskip']",
              "an int in [1, " + MAX_FRAMESKIP + "], got " + fs.getIntValue());
        }
        low = (int) fs.getIntValue();
      }
      case LIST -> {
        var items = fs.getList().getItemsList();
        if (items.size() != 2
            || items.stream().anyMatch(v -> v.getKindCase() != Value.KindCase.INT_VALUE)) {
          throw new InvalidValueException(
              what + "['frameskip']",
              "an int or a list of two ints (low, high) for a stochastic frameskip, got " + fs);
        }
        long lo = items.get(0).getIntValue();
        long hi = items.get(1).getIntValue();
        if (lo <= 0 || lo >= hi || hi > MAX_FRAMESKIP + 1) {
          throw new InvalidValueException(
              what + "['frameskip']",
              "(low, high) with 0 < low < high <= "
                  + (MAX_FRAMESKIP + 1)
                  + " (high exclusive), got ("
                  + lo
                  + ", "
                  + hi
                  + ")");
        }
        low = (int) lo;
        high = (int) hi;
      }
      default ->
          throw new InvalidValueException(
              what + "['frameskip']",
              "an int or a list of two ints (low, high), got " + fs.getKindCase());
    }
    double rap = args.getDouble("repeat_action_probability", 0.25);
    if (!(rap >= 0.0 && rap <= 1.0)) {
      throw new InvalidValueException(
          what + "['repeat_action_probability']", "a number in [0, 1], got " + rap);
    }
    boolean full = args.getBool("full_action_space", false);
    Integer mode = optionalInt(args, merged, what, "mode", 0);
    Integer difficulty = optionalInt(args, merged, what, "difficulty", 0);
    Integer maxFrames = optionalInt(args, merged, what, "max_num_frames_per_episode", 1);
    return new AtariSettings(
        game, obsType, low, high, (float) rap, full, mode, difficulty, maxFrames);
  }

  private static Integer optionalInt(
      Args args, Map<String, Value> merged, String what, String key, long min) {
    Value v = merged.get(key);
    if (v == null || v.getKindCase() == Value.KindCase.KIND_NOT_SET) {
      return null;
    }
    long x = args.getLong(key, 0);
    if (x < min || x > Integer.MAX_VALUE) {
      throw new InvalidValueException(
          what + "['" + key + "']", "None or an int in [" + min + ", 2^31), got " + x);
    }
    return (int) x;
  }

  /** Checks mode and difficulty against what the game offers. */
  void checkAgainst(AtariGameInfo info, String what) {
    if (mode != null && Arrays.stream(info.modes()).noneMatch(m -> m == mode)) {
      throw new InvalidValueException(
          what + "['mode']",
          "one of the modes of "
              + game
              + ", "
              + Arrays.toString(info.modes())
              + " (or None), got "
              + mode);
    }
    if (difficulty != null && Arrays.stream(info.difficulties()).noneMatch(d -> d == difficulty)) {
      throw new InvalidValueException(
          what + "['difficulty']",
          "one of the difficulties of "
              + game
              + ", "
              + Arrays.toString(info.difficulties())
              + " (or None), got "
              + difficulty);
    }
  }
}
