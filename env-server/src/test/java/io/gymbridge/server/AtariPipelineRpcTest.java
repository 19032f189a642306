package io.gymbridge.server;

import static io.gymbridge.server.Wire.assertStatus;
import static io.gymbridge.server.Wire.boolValue;
import static io.gymbridge.server.Wire.intValue;
import static io.gymbridge.server.Wire.make;
import static io.gymbridge.server.Wire.reset;
import static io.gymbridge.server.Wire.step;
import static io.gymbridge.server.Wire.stepOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status.Code;
import io.gymbridge.atari.AtariRegistrations;
import io.gymbridge.atari.AtariRoms;
import io.gymbridge.atari.RomDirectory;
import io.gymbridge.atari.TestRoms;
import io.gymbridge.envs.EnvRegistry;
import io.gymbridge.v1.AutoresetMode;
import io.gymbridge.v1.BoxSpace;
import io.gymbridge.v1.DType;
import io.gymbridge.v1.EnvSpec;
import io.gymbridge.v1.ListEnvsRequest;
import io.gymbridge.v1.MakeRequest;
import io.gymbridge.v1.MakeResponse;
import io.gymbridge.v1.ResetResponse;
import io.gymbridge.v1.StepResponse;
import io.gymbridge.v1.Value;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Atari DQN preprocessing over real gRPC on real ROMs: every Atari id takes the pipeline's
 * kwargs, the "nature" preset works on a v5 id (frameskip 1 beneath, shown in the spec), vector
 * sessions step the wrapped envs, and bad kwargs are INVALID_ARGUMENT naming the kwarg.
 */
class AtariPipelineRpcTest {
  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    EnvRegistry registry = EnvRegistry.builtin();
    AtariRegistrations.register(registry, TestRoms.require());
    server = TestServer.start(TestServer.config(), registry);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static Value string(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }

  private static MakeRequest withKwargs(MakeRequest r, Map<String, Value> kwargs) {
    return r.toBuilder().putAllKwargs(kwargs).build();
  }

  private static void assertStack(BoxSpace box) {
    assertEquals(DType.DTYPE_UINT8, box.getDtype());
    assertEquals(List.of(4L, 84L, 84L), box.getShapeList());
  }

  @Test
  void theNaturePresetOnAV5IdGivesStackedFramesAndItsSpecShowsTheExpandedPreset() {
    MakeRequest request =
        withKwargs(
            make("ALE/Breakout-v5", 3).toBuilder()
                .setAutoresetMode(AutoresetMode.AUTORESET_MODE_NEXT_STEP)
                .build(),
            Map.of("preprocessing", string("nature")));
    MakeResponse made = server.env().make(request);
    EnvSpec spec = made.getSpec();
    assertStack(spec.getObservationSpace().getBox());
    assertEquals(4, spec.getActionSpace().getDiscrete().getN());
    Map<String, Value> kw = spec.getKwargsMap();
    assertEquals(string("nature"), kw.get("preprocessing"));
    assertEquals(boolValue(true), kw.get("atari_preprocessing"));
    assertEquals(intValue(30), kw.get("noop_max"));
    assertEquals(intValue(4), kw.get("frame_skip"));
    assertEquals(intValue(84), kw.get("screen_size"));
    assertEquals(boolValue(false), kw.get("terminal_on_life_loss"));
    assertEquals(boolValue(true), kw.get("record_episode_statistics"));
    assertEquals(boolValue(true), kw.get("episodic_life"));
    assertEquals(boolValue(true), kw.get("fire_reset"));
    assertEquals(boolValue(true), kw.get("clip_reward"));
    assertEquals(intValue(4), kw.get("frame_stack"));
    assertEquals(string("reset"), kw.get("stack_padding"));
    assertEquals(intValue(1), kw.get("frameskip"), "the preset's frameskip beneath");
    assertEquals(0.25, kw.get("repeat_action_probability").getFloatValue(), "v5 default kept");

    String id = made.getSessionId();
    ResetResponse r = server.env().reset(reset(id, 5));
    assertEquals(List.of(3L, 4L, 84L, 84L), r.getObservation().getTensor().getShapeList());
    assertEquals(3 * 4 * 84 * 84, r.getObservation().getTensor().getData().size());
    Random rng = new Random(1);
    int ends = 0;
    boolean nonzeroFrame = false;
    for (int k = 0; k < 400; k++) {
      StepResponse s = stepOk(server.env().step(step(id, rng.nextInt(4), 3, rng.nextInt(4))), 3);
      assertEquals(List.of(3L, 4L, 84L, 84L), s.getObservation().getTensor().getShapeList());
      for (int i = 0; i < 3; i++) {
        double reward = s.getRewards(i);
        assertTrue(reward == 0.0 || reward == 1.0 || reward == -1.0, "clipped: " + reward);
        ends += s.getTerminated(i) ? 1 : 0;
      }
      nonzeroFrame |=
          s.getObservation().getTensor().getData().toByteArray()[3 * 84 * 84 + 42 * 84 + 42] != 0;
    }
    assertTrue(ends > 0, "episodic life ends an episode per lost life");
    assertTrue(nonzeroFrame || ends > 0);
    server.env().close(Wire.close(id));
  }

  @Test
  void explicitOptionsOverANoFrameskipIdAndAnExplicitFrameskipUnderThePreset() {
    MakeResponse made =
        server
            .env()
            .make(
                withKwargs(
                    make("PongNoFrameskip-v4", 1),
                    Map.of(
                        "atari_preprocessing",
                        boolValue(true),
                        "frame_stack",
                        intValue(4),
                        "terminal_on_life_loss",
                        boolValue(true))));
    assertStack(made.getSpec().getObservationSpace().getBox());
    assertEquals(string("none"), made.getSpec().getKwargsMap().get("preprocessing"));
    assertEquals(boolValue(false), made.getSpec().getKwargsMap().get("fire_reset"));
    server.env().reset(reset(made.getSessionId(), 0));
    stepOk(server.env().step(step(made.getSessionId(), 2)), 1);
    server.env().close(Wire.close(made.getSessionId()));

    // Explicit frameskip wins over the preset's, and then Gymnasium's frameskip error applies.
    assertStatus(
        Code.INVALID_ARGUMENT,
        () ->
            server
                .env()
                .make(
                    withKwargs(
                        make("ALE/Breakout-v5", 1),
                        Map.of("preprocessing", string("nature"), "frameskip", intValue(4)))),
        "ALE/Breakout-v5",
        "Disable frame-skipping",
        "frameskip=4");
    // Without the preset, a v5 id keeps its frameskip 4, as gym.make does.
    assertStatus(
        Code.INVALID_ARGUMENT,
        () ->
            server
                .env()
                .make(
                    withKwargs(
                        make("ALE/Pong-v5", 1), Map.of("atari_preprocessing", boolValue(true)))),
        "Disable frame-skipping");
  }

  @Test
  void badPreprocessingKwargsAreInvalidArgumentNamingTheKwarg() {
    Map<Map<String, Value>, List<String>> cases =
        Map.of(
            Map.of("preprocessing", string("natur")),
            List.of("kwargs of ALE/Breakout-v5", "preprocessing", "'none' or 'nature'", "natur"),
            Map.of("noop_max", intValue(10)),
            List.of("noop_max", "atari_preprocessing is off"),
            Map.of("preprocessing", string("nature"), "frame_stack", intValue(-1)),
            List.of("frame_stack", "[0, 128]"),
            Map.of("preprocessing", string("nature"), "screen_size", string("big")),
            List.of("screen_size", "positive int"),
            Map.of("frame_stak", intValue(4)),
            List.of("frame_stak", "frame_stack", "frameskip", "preprocessing"),
            Map.of("atari_preprocessing", intValue(1)),
            List.of("atari_preprocessing", "a bool"));
    cases.forEach(
        (kwargs, fragments) ->
            assertStatus(
                Code.INVALID_ARGUMENT,
                () -> server.env().make(withKwargs(make("ALE/Breakout-v5", 1), kwargs)),
                fragments.toArray(String[]::new)));
    // CartPole takes none of them.
    assertStatus(
        Code.INVALID_ARGUMENT,
        () ->
            server
                .env()
                .make(withKwargs(make("CartPole-v1", 1), Map.of("frame_stack", intValue(4)))),
        "frame_stack",
        "sutton_barto_reward");
  }

  /** Over a folder of two ROMs: listing every id of a full ROM folder probes them all (slow). */
  @Test
  void theListingShowsThePreprocessingKwargsWithTheirDefaults(@TempDir Path romDir)
      throws Exception {
    for (String game : List.of("breakout", "pong")) {
      Files.copy(TestRoms.require().supported().get(game), romDir.resolve(game + ".bin"));
    }
    EnvRegistry registry = EnvRegistry.builtin();
    AtariRegistrations.register(registry, AtariRoms.scan(new RomDirectory(romDir, "a test")));
    List<EnvSpec> envs;
    try (TestServer small = TestServer.start(TestServer.config(), registry)) {
      envs = small.env().listEnvs(ListEnvsRequest.getDefaultInstance()).getEnvsList();
    }
    EnvSpec breakout =
        envs.stream().filter(e -> e.getId().equals("ALE/Breakout-v5")).findFirst().orElseThrow();
    Map<String, Value> kw = breakout.getKwargsMap();
    assertEquals(string("none"), kw.get("preprocessing"));
    assertEquals(intValue(0), kw.get("frame_stack"));
    assertEquals(boolValue(false), kw.get("atari_preprocessing"));
    assertEquals(intValue(4), kw.get("frameskip"));
    assertEquals(List.of(210L, 160L, 3L), breakout.getObservationSpace().getBox().getShapeList());
    EnvSpec cartPole =
        envs.stream().filter(e -> e.getId().equals("CartPole-v1")).findFirst().orElseThrow();
    assertEquals(List.of("sutton_barto_reward"), List.copyOf(cartPole.getKwargsMap().keySet()));
  }
}
