package io.gymbridge.atari.preprocessing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gymbridge.envs.Env;
import io.gymbridge.envs.Transition;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays what real Gymnasium 1.3.0 AtariPreprocessing and FrameStackObservation did over the
 * Python twin of {@link FakeAtari} (python/tools/gen_wrapper_parity_fixture.py): for every reset
 * and step, the same reward, flags, info (lives, episode_frame_number, frame_number, merged as
 * Gymnasium merges them) and observation bytes (by SHA-256). Scenarios cover the noop draws and
 * re-resets, max-pooling with early ends, life-loss termination, truncation, resize to a non-square
 * size, RGB, scale_obs, grayscale_newaxis, frame_skip 1 and both paddings.
 */
class WrapperParityTest {
  private static final String FIXTURE = "wrapper-parity.tsv";

  private record Event(
      String kind,
      String arg,
      double reward,
      boolean terminated,
      boolean truncated,
      long lives,
      long episodeFrame,
      long frame,
      String digest) {}

  private record Run(String scenario, Map<String, String> settings, List<Event> events) {}

  @TestFactory
  List<DynamicTest> wrappersMatchGymnasium() throws IOException {
    List<Run> runs = parse();
    assertTrue(runs.size() >= 10, "fixture runs: " + runs.size());
    List<DynamicTest> tests = new ArrayList<>();
    for (Run run : runs) {
      tests.add(
          DynamicTest.dynamicTest(
              run.scenario() + " seed " + run.events().get(0).arg(), () -> replay(run)));
    }
    return tests;
  }

  private static void replay(Run run) {
    Map<String, String> s = run.settings();
    FakeAtari fake = new FakeAtari();
    fake.startLives = Integer.parseInt(s.get("start_lives"));
    fake.lifeLossAt = ints(s.get("life_loss"));
    fake.lifeGainAt = ints(s.get("life_gain"));
    fake.terminateAt = Integer.parseInt(s.get("terminate_at"));
    fake.truncateAt = Integer.parseInt(s.get("truncate_at"));
    fake.reward = t -> (t % 5) - 1;

    AtariPreprocessing.Options d = AtariPreprocessing.Options.DEFAULTS;
    int[] size =
        s.containsKey("screen_size")
            ? Arrays.stream(s.get("screen_size").split(",")).mapToInt(Integer::parseInt).toArray()
            : new int[] {d.screenWidth(), d.screenHeight()};
    Env env =
        new AtariPreprocessing(
            fake,
            fake,
            new AtariPreprocessing.Options(
                Integer.parseInt(s.getOrDefault("noop_max", "" + d.noopMax())),
                Integer.parseInt(s.getOrDefault("frame_skip", "" + d.frameSkip())),
                size[0],
                size[1],
                Boolean.parseBoolean(s.getOrDefault("terminal_on_life_loss", "false")),
                Boolean.parseBoolean(s.getOrDefault("grayscale_obs", "true")),
                Boolean.parseBoolean(s.getOrDefault("grayscale_newaxis", "false")),
                Boolean.parseBoolean(s.getOrDefault("scale_obs", "false"))));
    if (s.containsKey("stack")) {
      env =
          new FrameStackObservation(
              env,
              Integer.parseInt(s.get("stack")),
              FrameStackObservation.Padding.parse(s.get("padding")));
    }

    int i = 0;
    for (Event e : run.events()) {
      Transition out;
      if (e.kind().equals("reset")) {
        out = Steps.reset(env, e.arg().equals("None") ? null : Long.parseLong(e.arg()));
      } else {
        out = Steps.step(env, Long.parseLong(e.arg()));
      }
      String where = run.scenario() + " event " + i++ + " (" + e.kind() + " " + e.arg() + ")";
      assertEquals(e.reward(), out.reward(), where + ": reward");
      assertEquals(e.terminated(), out.terminated(), where + ": terminated");
      assertEquals(e.truncated(), out.truncated(), where + ": truncated");
      assertEquals(e.lives(), Steps.info(out, "lives"), where + ": info lives");
      assertEquals(
          e.episodeFrame(),
          Steps.info(out, "episode_frame_number"),
          where + ": info episode_frame_number");
      assertEquals(e.frame(), Steps.info(out, "frame_number"), where + ": info frame_number");
      assertEquals(e.digest(), sha256(Steps.obs(out)), where + ": observation bytes");
    }
  }

  private static List<Run> parse() throws IOException {
    String text;
    try (InputStream in = WrapperParityTest.class.getResourceAsStream(FIXTURE)) {
      if (in == null) {
        throw new IOException("missing test resource " + FIXTURE);
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<Run> runs = new ArrayList<>();
    String scenario = null;
    Map<String, String> settings = null;
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\t", -1);
      switch (f[0]) {
        case "scenario" -> {
          scenario = f[1];
          settings = new LinkedHashMap<>();
          for (int k = 2; k < f.length; k++) {
            String[] kv = f[k].split("=", 2);
            settings.put(kv[0], kv[1]);
          }
        }
        case "reset", "step" -> {
          Event e =
              new Event(
                  f[0],
                  f[1],
                  Double.parseDouble(f[2]),
                  f[3].equals("1"),
                  f[4].equals("1"),
                  Long.parseLong(f[5]),
                  Long.parseLong(f[6]),
                  Long.parseLong(f[7]),
                  f[8]);
          if (e.kind().equals("reset") && !e.arg().equals("None")) {
            runs.add(new Run(scenario, settings, new ArrayList<>()));
          }
          runs.get(runs.size() - 1).events().add(e);
        }
        default -> throw new IOException("bad fixture line: " + line);
      }
    }
    return runs;
  }

  private static Set<Integer> ints(String csv) {
    return csv.isEmpty()
        ? Set.of()
        : Arrays.stream(csv.split(",")).map(Integer::valueOf).collect(Collectors.toSet());
  }

  private static String sha256(byte[] bytes) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
      return HexFormat.of().formatHex(d).substring(0, 32);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
