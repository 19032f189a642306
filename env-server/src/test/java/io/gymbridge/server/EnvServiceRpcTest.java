package io.gymbridge.server;

import static io.gymbridge.server.Wire.assertStatus;
import static io.gymbridge.server.Wire.close;
import static io.gymbridge.server.Wire.make;
import static io.gymbridge.server.Wire.obs;
import static io.gymbridge.server.Wire.obsBytes;
import static io.gymbridge.server.Wire.render;
import static io.gymbridge.server.Wire.reset;
import static io.gymbridge.server.Wire.step;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.gymbridge.codec.Tensors;
import io.gymbridge.v1.AutoresetMode;
import io.gymbridge.v1.BoxSpace;
import io.gymbridge.v1.DType;
import io.gymbridge.v1.EnvSpec;
import io.gymbridge.v1.GetServerInfoRequest;
import io.gymbridge.v1.GetServerInfoResponse;
import io.gymbridge.v1.ListEnvsRequest;
import io.gymbridge.v1.MakeResponse;
import io.gymbridge.v1.OptionalSeed;
import io.gymbridge.v1.ResetRequest;
import io.gymbridge.v1.ResetResponse;
import io.gymbridge.v1.SeedList;
import io.gymbridge.v1.StepResponse;
import io.gymbridge.v1.Tensor;
import io.gymbridge.v1.Value;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every EnvService RPC over a real socket, on its success path. */
class EnvServiceRpcTest {
  /*
   * Gymnasium 1.3.0 / numpy 2.x values, from /tmp/scratch/venv:
   *
   *   e = gym.make("CartPole-v1")
   *   e.reset(seed=42)[0]                         # SEED_42
   *   e.reset(seed=3)[0]; e.reset()[0]            # SEED_3, SEED_3_SECOND_RESET
   *   e.reset(seed=4)[0]                          # SEED_4
   *   e.reset(seed=7)
   *   for a in [1, 0, 1, 1, 0, 0, 1, 0]: o = e.step(a)[0]   # SEED_7_AFTER_8_STEPS
   */
  static final float[] SEED_42 = {0.027395604f, -0.006112156f, 0.035859793f, 0.019736802f};
  static final float[] SEED_3 = {
    -0.041435081511735916f, -0.026318948715925217f, 0.030127447098493576f, 0.008216203190386295f
  };
  static final float[] SEED_3_SECOND_RESET = {
    -0.040587134659290314f, -0.0066873058676719666f, -0.002094870200380683f, -0.03402610868215561f
  };
  static final float[] SEED_4 = {
    0.04430561140179634f, 0.0011327553074806929f, 0.047624371945858f, -0.04191639646887779f
  };
  static final long[] SEED_7_ACTIONS = {1, 0, 1, 1, 0, 0, 1, 0};
  static final float[] SEED_7_AFTER_8_STEPS = {
    0.042110384f, 0.03816679f, -0.008222873f, 0.006823608f
  };

  private TestServer server;

  @BeforeEach
  void start() throws Exception {
    server = TestServer.start();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  @Test
  void getServerInfoReportsProtocolCapabilitiesAndTheConfiguredLimits() throws Exception {
    ServerConfig config =
        TestServer.config().withLimits(7, 33, 2_000_000).withIdleTimeout(Duration.ofSeconds(90));
    try (TestServer custom = TestServer.start(config)) {
      GetServerInfoResponse info =
          custom.env().getServerInfo(GetServerInfoRequest.getDefaultInstance());

      assertEquals("gymbridge.v1", info.getProtocol());
      assertEquals(2, info.getProtocolRevision());
      assertEquals("gymbridge-env-server", info.getServerName());
      assertFalse(info.getServerVersion().isEmpty());
      assertTrue(
          info.getCapabilitiesList()
              .containsAll(
                  List.of(
                      "stream",
                      "render:rgb_array",
                      "autoreset:next_step",
                      "autoreset:same_step",
                      "autoreset:disabled",
                      "reset_mask")),
          info.getCapabilitiesList()::toString);
      assertEquals(7, info.getLimits().getMaxSessions());
      assertEquals(33, info.getLimits().getMaxEnvsPerSession());
      assertEquals(2_000_000, info.getLimits().getMaxMessageBytes());
      assertEquals(90, info.getLimits().getIdleTimeoutSeconds());
    }
  }

  @Test
  void listEnvsDescribesBothCartPolesWithGymnasiumsSpacesAndSpecs() {
    List<EnvSpec> envs = server.env().listEnvs(ListEnvsRequest.getDefaultInstance()).getEnvsList();

    assertEquals(
        List.of("CartPole-v0", "CartPole-v1", "PixelChoice-v0"),
        envs.stream().map(EnvSpec::getId).toList());
    envs = envs.subList(0, 2); // PixelChoiceRpcTest checks the third
    for (EnvSpec spec : envs) {
      BoxSpace box = spec.getObservationSpace().getBox();
      assertEquals(DType.DTYPE_FLOAT32, box.getDtype());
      assertEquals(List.of(4L), box.getShapeList());
      // np.float32 bounds of gymnasium's CartPoleEnv.observation_space.high, bit for bit.
      float[] high = {4.8f, Float.POSITIVE_INFINITY, 0.41887903f, Float.POSITIVE_INFINITY};
      assertArrayEquals(high, Tensors.toFloat32(box.getHigh()));
      assertEquals(List.of(4L), box.getHigh().getShapeList());
      float[] low = Tensors.toFloat32(box.getLow());
      for (int i = 0; i < 4; i++) {
        assertEquals(-high[i], low[i]);
      }
      assertEquals(2, spec.getActionSpace().getDiscrete().getN());
      assertEquals(0, spec.getActionSpace().getDiscrete().getStart());
      assertEquals(List.of("rgb_array"), spec.getRenderModesList());
      assertEquals(50.0, spec.getRenderFps());
      assertFalse(spec.getNondeterministic());
      assertEquals(Wire.boolValue(false), spec.getKwargsMap().get("sutton_barto_reward"));
    }
    assertEquals(200, envs.get(0).getMaxEpisodeSteps());
    assertEquals(195.0, envs.get(0).getRewardThreshold());
    assertEquals(500, envs.get(1).getMaxEpisodeSteps());
    assertEquals(475.0, envs.get(1).getRewardThreshold());
  }

  @Test
  void makeEchoesNumEnvsAndTheAutoresetModeInForce() {
    MakeResponse unspecified = server.env().make(make("CartPole-v1", 0));
    assertEquals(1, unspecified.getNumEnvs());
    assertEquals(AutoresetMode.AUTORESET_MODE_NEXT_STEP, unspecified.getAutoresetMode());
    assertTrue(unspecified.getSessionId().length() > 0);

    for (AutoresetMode mode :
        List.of(
            AutoresetMode.AUTORESET_MODE_NEXT_STEP,
            AutoresetMode.AUTORESET_MODE_SAME_STEP,
            AutoresetMode.AUTORESET_MODE_DISABLED)) {
      MakeResponse made = server.env().make(make("CartPole-v0", 3, mode, 9));
      assertEquals(3, made.getNumEnvs());
      assertEquals(mode, made.getAutoresetMode());
      assertEquals(9, made.getSpec().getMaxEpisodeSteps());
      assertNotEquals(unspecified.getSessionId(), made.getSessionId());
    }
  }

  @Test
  void makeAppliesKwargsToTheSpec() {
    MakeResponse made =
        server
            .env()
            .make(
                make("CartPole-v1", 1).toBuilder()
                    .putKwargs("sutton_barto_reward", Wire.boolValue(true))
                    .build());
    assertEquals(Wire.boolValue(true), made.getSpec().getKwargsMap().get("sutton_barto_reward"));
    assertEquals(500, made.getSpec().getMaxEpisodeSteps());

    // Sutton and Barto's reward pays 0 for a step that does not end the episode.
    String id = made.getSessionId();
    server.env().reset(reset(id, 0));
    assertEquals(0.0, server.env().step(step(id, 1)).getRewards(0));
  }

  @Test
  void sameSeedGivesTheSameObservationBytesAsGymnasium() {
    String a = server.env().make(make("CartPole-v1", 1)).getSessionId();
    String b = server.env().make(make("CartPole-v1", 1)).getSessionId();

    Value first = server.env().reset(reset(a, 42)).getObservation();
    Value again = server.env().reset(reset(a, 42)).getObservation();
    Value other = server.env().reset(reset(b, 42)).getObservation();

    assertEquals(first.getTensor().getData(), again.getTensor().getData());
    assertEquals(first.getTensor().getData(), other.getTensor().getData());
    assertArrayEquals(SEED_42, obs(first));
    assertEquals(DType.DTYPE_FLOAT32, first.getTensor().getDtype());
    assertEquals(List.of(1L, 4L), first.getTensor().getShapeList());
  }

  @Test
  void resetWithoutSeedContinuesTheRngOfTheLastSeed() {
    String id = server.env().make(make("CartPole-v1", 1)).getSessionId();
    assertArrayEquals(SEED_3, obs(server.env().reset(reset(id, 3)).getObservation()));
    assertArrayEquals(SEED_3_SECOND_RESET, obs(server.env().reset(reset(id)).getObservation()));
  }

  @Test
  void seedOfAVectorSessionSeedsEnvIWithSeedPlusI() {
    String vector = server.env().make(make("CartPole-v1", 3)).getSessionId();
    Value batch = server.env().reset(reset(vector, 10)).getObservation();
    assertEquals(List.of(3L, 4L), batch.getTensor().getShapeList());

    Set<ByteString> distinct = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      String single = server.env().make(make("CartPole-v1", 1)).getSessionId();
      Value alone = server.env().reset(reset(single, 10 + i)).getObservation();
      assertEquals(obsBytes(alone, 0), obsBytes(batch, i), "env " + i);
      distinct.add(obsBytes(batch, i));
    }
    assertEquals(3, distinct.size(), "each env has its own seed");
  }

  @Test
  void seedListWithAMissingEntryLetsThatEnvContinueItsRng() {
    String id = server.env().make(make("CartPole-v1", 2)).getSessionId();
    server.env().reset(reset(id, 3)); // env 0 seeded 3, env 1 seeded 4

    ResetRequest partlySeeded =
        reset(id).toBuilder()
            .setSeeds(
                SeedList.newBuilder()
                    .addSeeds(OptionalSeed.getDefaultInstance())
                    .addSeeds(OptionalSeed.newBuilder().setSeed(4)))
            .build();
    float[] got = obs(server.env().reset(partlySeeded).getObservation());

    assertArrayEquals(SEED_3_SECOND_RESET, Arrays.copyOfRange(got, 0, 4));
    assertArrayEquals(SEED_4, Arrays.copyOfRange(got, 4, 8));
  }

  @Test
  void resetMaskResetsOnlyTheFlaggedEnvsAndKeepsTheOthersObservations() {
    String id = server.env().make(make("CartPole-v1", 3)).getSessionId();
    server.env().reset(reset(id, 0));
    Value stepped = server.env().step(step(id, 1, 0, 1)).getObservation();

    ResetRequest masked =
        reset(id, 20).toBuilder()
            .addResetMask(false)
            .addResetMask(true)
            .addResetMask(false)
            .build();
    ResetResponse r = server.env().reset(masked);

    Value after = r.getObservation();
    assertEquals(obsBytes(stepped, 0), obsBytes(after, 0));
    assertEquals(obsBytes(stepped, 2), obsBytes(after, 2));
    String single = server.env().make(make("CartPole-v1", 1)).getSessionId();
    Value seed21 = server.env().reset(reset(single, 21)).getObservation();
    assertEquals(obsBytes(seed21, 0), obsBytes(after, 1), "env 1 gets seed + 1, as vector reset");

    // The unmasked envs really kept their state: stepping continues their episode.
    StepResponse next = server.env().step(step(id, 0, 0, 0));
    assertEquals(List.of(1.0, 1.0, 1.0), next.getRewardsList());
  }

  @Test
  void stepReturnsBatchedObservationsRewardsAndFlags() {
    String id = server.env().make(make("CartPole-v1", 4)).getSessionId();
    server.env().reset(reset(id, 7));

    StepResponse r = null;
    for (long a : SEED_7_ACTIONS) {
      r = server.env().step(step(id, a, a, 1 - a, 0));
    }

    Tensor t = r.getObservation().getTensor();
    assertEquals(DType.DTYPE_FLOAT32, t.getDtype());
    assertEquals(List.of(4L, 4L), t.getShapeList());
    assertEquals(4 * 4 * 4, t.getData().size());
    assertArrayEquals(SEED_7_AFTER_8_STEPS, Arrays.copyOfRange(obs(r.getObservation()), 0, 4));
    assertEquals(List.of(1.0, 1.0, 1.0, 1.0), r.getRewardsList());
    assertEquals(List.of(false, false, false, false), r.getTerminatedList());
    assertEquals(List.of(false, false, false, false), r.getTruncatedList());
    assertEquals(0, r.getInfosCount(), "CartPole's infos are empty");
    assertEquals(0, r.getFinalEnvIndicesCount());
    assertFalse(r.hasFinalObservation());
  }

  @Test
  void renderReturnsOneUint8RgbFramePerEnvWithAPicture() {
    String id =
        server
            .env()
            .make(make("CartPole-v1", 2).toBuilder().setRenderMode("rgb_array").build())
            .getSessionId();
    server.env().reset(reset(id, 1));

    Tensor frames = server.env().render(render(id)).getFrames();

    assertEquals(DType.DTYPE_UINT8, frames.getDtype());
    assertEquals(List.of(2L, 400L, 600L, 3L), frames.getShapeList());
    byte[] rgb = frames.getData().toByteArray();
    assertEquals(2 * 400 * 600 * 3, rgb.length);
    int frameBytes = 400 * 600 * 3;
    for (int f = 0; f < 2; f++) {
      Set<Integer> colours = new HashSet<>();
      for (int p = f * frameBytes; p < (f + 1) * frameBytes; p += 3) {
        colours.add((rgb[p] & 0xff) << 16 | (rgb[p + 1] & 0xff) << 8 | (rgb[p + 2] & 0xff));
      }
      assertTrue(colours.contains(0xffffff), "white background");
      assertTrue(colours.size() >= 3, "frame " + f + " has only " + colours.size() + " colours");
    }
    assertNotEquals(
        frames.getData().substring(0, frameBytes),
        frames.getData().substring(frameBytes),
        "envs seeded differently start at different cart positions");
  }

  @Test
  void renderWithoutRenderModeIsFailedPrecondition() {
    String id = server.env().make(make("CartPole-v1", 1)).getSessionId();
    server.env().reset(reset(id, 1));
    assertStatus(
        Status.Code.FAILED_PRECONDITION, () -> server.env().render(render(id)), "render_mode");
  }

  @Test
  void closedSessionIsNotFoundAndClosingItAgainIsNotFound() {
    String id = server.env().make(make("CartPole-v1", 1)).getSessionId();
    server.env().reset(reset(id, 1));

    server.env().close(close(id));

    assertStatus(Status.Code.NOT_FOUND, () -> server.env().reset(reset(id, 1)), "session_id", id);
    assertStatus(Status.Code.NOT_FOUND, () -> server.env().step(step(id, 0)), "session_id", id);
    assertStatus(Status.Code.NOT_FOUND, () -> server.env().render(render(id)), "session_id", id);
    assertStatus(Status.Code.NOT_FOUND, () -> server.env().close(close(id)), "session_id", id);
  }
}
