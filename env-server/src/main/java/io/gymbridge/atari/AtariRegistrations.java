package io.gymbridge.atari;

import io.gymbridge.atari.preprocessing.AtariPipeline;
import io.gymbridge.envs.Env;
import io.gymbridge.envs.EnvRegistration;
import io.gymbridge.envs.EnvRegistry;
import io.gymbridge.envs.PostMakeWrapper;
import io.gymbridge.v1.Value;
import io.gymbridge.v1.ValueList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the Atari ids of ale-py 0.12.1's registration.py for every ROM present that ALE 0.7.3
 * supports: {@code ALE/<Game>-v5} for all games but the multi-player-only ones, and {@code
 * <Game>[NoFrameskip]-v0/-v4} for the legacy games, with the same kwargs, plus the DQN
 * preprocessing kwargs of {@link AtariPipeline} on every id (see {@link #PREPROCESSING}).
 */
public final class AtariRegistrations {
  private static final Logger log = LoggerFactory.getLogger(AtariRegistrations.class);

  /** ale-py's AtariEnv metadata. */
  private static final double RENDER_FPS = 30;

  private AtariRegistrations() {}

  /** Adds the ids of {@code roms}' games to {@code registry}, and advice for missing ones. */
  public static void register(EnvRegistry registry, AtariRoms roms) {
    int ids = 0;
    for (String game : roms.supported().keySet()) {
      String name = AtariGames.envName(game);
      if (!AtariGames.MULTI_PLAYER_ONLY.contains(game)) {
        add(registry, roms, "ALE/" + name + "-v5", game, intValue(4), 0.25);
        ids++;
      }
      if (AtariGames.LEGACY.contains(game)) {
        Value stochastic =
            Value.newBuilder()
                .setList(ValueList.newBuilder().addItems(intValue(2)).addItems(intValue(5)))
                .build();
        for (String suffix : List.of("", "NoFrameskip")) {
          Value frameskip = suffix.isEmpty() ? stochastic : intValue(1);
          add(registry, roms, name + suffix + "-v0", game, frameskip, 0.25);
          add(registry, roms, name + suffix + "-v4", game, frameskip, 0.0);
          ids += 2;
        }
      }
    }
    if (AtariGames.MULTI_PLAYER_ONLY.containsAll(roms.unsupported().keySet())) {
      // ale-py 0.12.1 ships these four ROMs, which are newer than ALE 0.7.3: expected, not
      // alarming.
      log.debug("Atari ROMs newer than ALE 0.7.3, skipped: {}", roms.unsupported().keySet());
    } else {
      log.warn("Atari ROMs ALE 0.7.3 cannot load, skipped: {}", roms.unsupported());
    }
    if (roms.directory().isPresent()) {
      log.info(
          "Atari: {} env ids for {} games from {}",
          ids,
          roms.supported().size(),
          roms.directory().get().dir());
    }
    registry.addUnknownIdAdvice(id -> advice(id, roms));
  }

  private static void add(
      EnvRegistry registry,
      AtariRoms roms,
      String id,
      String game,
      Value frameskip,
      double repeatActionProbability) {
    Map<String, Value> defaults =
        AtariSettings.registrationKwargs(game, frameskip, repeatActionProbability);
    registry.register(
        new EnvRegistration(
            id,
            "Atari 2600 "
                + AtariGames.envName(game)
                + " in ALE 0.7.3, bit-for-bit ale-py 0.12.1's AtariEnv.",
            kwargs -> AtariEnv.fromKwargs(roms, id, defaults, kwargs),
            defaults,
            null,
            null,
            false,
            List.of("rgb_array"),
            RENDER_FPS,
            PREPROCESSING));
  }

  /**
   * The DQN preprocessing every Atari id takes ({@link AtariPipeline}'s kwargs): it wraps what make
   * composed, {@code TimeLimit(OrderEnforcing(AtariEnv))}, as Gymnasium's wrappers wrap what {@code
   * gym.make} returns. {@code preprocessing="nature"} also makes the env beneath with frameskip 1
   * (its AtariPreprocessing skips the frames), so the preset works on {@code ALE/<Game>-v5} ids
   * too; an explicit {@code frameskip} wins, and with frame_skip &gt; 1 a frameskip other than 1 is
   * Gymnasium's "Disable frame-skipping" error. FireReset is added for games whose action 1 is FIRE
   * ({@link AtariEnv#hasFireAction}).
   */
  static final PostMakeWrapper PREPROCESSING =
      new PostMakeWrapper() {
        @Override
        public Map<String, Value> defaultKwargs() {
          return AtariPipeline.DEFAULT_KWARGS;
        }

        @Override
        public Configured configure(Map<String, Value> kwargs) {
          AtariPipeline pipeline = AtariPipeline.fromKwargs(kwargs);
          return new Configured() {
            @Override
            public Map<String, Value> envKwargDefaults() {
              return pipeline.envKwargDefaults();
            }

            @Override
            public Map<String, Value> effectiveKwargs() {
              return pipeline.effectiveKwargs();
            }

            @Override
            public Env wrap(Env made, Env bare) {
              AtariEnv atari = (AtariEnv) bare;
              return pipeline.wrap(made, atari, atari.hasFireAction());
            }
          };
        }
      };

  /** For an id that names an ale-py game this server has no usable ROM for: why, and what to do. */
  static Optional<String> advice(String id, AtariRoms roms) {
    String bare = id.startsWith("ALE/") ? id.substring(4) : id;
    int dash = bare.lastIndexOf('-');
    String name = (dash < 0 ? bare : bare.substring(0, dash)).replace("NoFrameskip", "");
    for (String game : AtariGames.ALL) {
      if (AtariGames.envName(game).equals(name)) {
        String where =
            roms.directory()
                .map(d -> " in " + d.dir() + " (from " + d.source() + ")")
                .orElse(": this server found no ROM folder");
        String why =
            roms.unsupported().containsKey(game)
                ? "its ROM " + game + ".bin cannot be used: " + roms.unsupported().get(game)
                : "no ROM " + game + ".bin" + where;
        return Optional.of(
            "the Atari game '"
                + game
                + "' is not available here: "
                + why
                + ". Atari games here: "
                + roms.games()
                + ". "
                + RomDirectory.HOW_TO_PROVIDE);
      }
    }
    return id.startsWith("ALE/")
        ? Optional.of(
            "not an ale-py 0.12.1 Atari id. Atari games here: "
                + roms.games()
                + ". "
                + RomDirectory.HOW_TO_PROVIDE)
        : Optional.empty();
  }

  private static Value intValue(long v) {
    return Value.newBuilder().setIntValue(v).build();
  }
}
