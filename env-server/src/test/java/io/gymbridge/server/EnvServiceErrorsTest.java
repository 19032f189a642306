package io.gymbridge.server;

import static io.gymbridge.server.Wire.assertStatus;
import static io.gymbridge.server.Wire.assertStreamError;
import static io.gymbridge.server.Wire.close;
import static io.gymbridge.server.Wire.make;
import static io.gymbridge.server.Wire.render;
import static io.gymbridge.server.Wire.reset;
import static io.gymbridge.server.Wire.step;
import static io.gymbridge.server.Wire.streamed;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status.Code;
import io.gymbridge.codec.Tensors;
import io.gymbridge.envs.Env;
import io.gymbridge.envs.EnvRegistry;
import io.gymbridge.envs.Transition;
import io.gymbridge.v1.DType;
import io.gymbridge.v1.MakeRequest;
import io.gymbridge.v1.OptionalSeed;
import io.gymbridge.v1.ResetRequest;
import io.gymbridge.v1.SeedList;
import io.gymbridge.v1.StepRequest;
import io.gymbridge.v1.StepResponse;
import io.gymbridge.v1.StreamRequest;
import io.gymbridge.v1.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each malformed or forbidden request gets the contract's status and names what was wrong. */
class EnvServiceErrorsTest {
  private static final int MAX_SESSIONS = 3;
  private static final int MAX_ENVS = 8;

  private TestServer server;

  @BeforeEach
  void start() throws Exception {
    server = TestServer.start(TestServer.config().withLimits(MAX_SESSIONS, MAX_ENVS, 64 << 20));
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private String resetSession(int numEnvs) {
    String id = server.env().make(make("CartPole-v1", numEnvs)).getSessionId();
    server.env().reset(reset(id, 0));
    return id;
  }

  @Test
  void unknownEnvIdIsNotFoundAndListsTheKnownIds() {
    assertStatus(
        Code.NOT_FOUND,
        () -> server.env().make(make("Pendulum-v1", 1)),
        "env_id",
        "Pendulum-v1",
        "CartPole-v0",
        "CartPole-v1");
  }

  @Test
  void unknownSessionIsNotFoundOnEveryRpc() {
    assertStatus(
        Code.NOT_FOUND, () -> server.env().reset(reset("s-nope", 0)), "session_id", "s-nope");
    assertStatus(
        Code.NOT_FOUND, () -> server.env().step(step("s-nope", 0)), "session_id", "s-nope");
    assertStatus(
        Code.NOT_FOUND, () -> server.env().render(render("s-nope")), "session_id", "s-nope");
    assertStatus(Code.NOT_FOUND, () -> server.env().close(close("s-nope")), "session_id", "s-nope");
  }

  @Test
  void actionOfWrongDtypeIsInvalidArgument() {
    String id = resetSession(2);
    Tensor int32 = Tensors.ofInts(DType.DTYPE_INT32, new int[] {0, 1}, 2);
    assertStatus(
        Code.INVALID_ARGUMENT,
        () -> server.env().step(step(id, int32)),
        "action.dtype",
        "int64",
        "int32");
  }

  @Test
  void actionOfWrongShapeIsInvalidArgument() {
    String id = resetSession(2);
    assertStatus(
        Code.INVALID_ARGUMENT,
        () -> server.env().step(step(id, 0, 1, 0)),
        "action.shape",
        "[2]",
        "[3]");
    Tensor scalar = Tensors.ofInt64(new long[] {0});
    assertStatus(Code.INVALID_ARGUMENT, () -> server.env().step(step(id, scalar)), "action.shape");
    assertStatus(
        Code.INVALID_ARGUMENT,
        () -> server.env().step(StepRequest.newBuilder().setSessionId(id).build()),
        "action");
  }

  @Test
  void actionOutsideTheActionSpaceIsInvalidArgument() {
    String id = resetSession(2);
    assertStatus(
        Code.INVALID_ARGUMENT,
        () -> server.env().step(step(id, 0, 2)),
        "action[env 1]",
        "2",
        "Discrete(2)");
    assertStatus(
        Code.INVALID_ARGUMENT, () -> server.env().step(step(id, -1, 0)), "action[env 0]", "-1");
  }

  @Test
  void stepBeforeResetIsFailedPrecondition() {
    String id = server.env().make(make("CartPole-v1", 2)).getSessionId();
    assertStatus(Code.FAILED_PRECONDITION, () -> server.env().step(step(id, 0, 1)), "Reset");
  }

  @Test
  void unknownKwargIsInvalidArgument() {
    MakeRequest r =
        make("CartPole-v1", 1).toBuilder().putKwargs("gravity", Wire.floatValue(1.6)).build();
    assertStatus(
        Code.INVALID_ARGUMENT,
        () -> server.env().make(r),
        "kwargs",
        "gravity",
        "sutton_barto_reward");
  }

  @Test
  void kwargOfWrongTypeIsInvalidArgument() {
    MakeRequest r =
        make("CartPole-v1", 1).toBuilder()
            .putKwargs("sutton_barto_reward", Wire.intValue(1))
            .build();
    assertStatus(
        Code.INVALID_ARGUMENT, () -> server.env().make(r), "sutton_barto_reward", "a bool", "int");
  }

  @Test
  void unknownResetOptionIsInvalidArgument() {
    String id = server.env().make(make("CartPole-v1", 1)).getSessionId();
    ResetRequest r = reset(id, 0).toBuilder().putOptions("lo", Wire.floatValue(-0.1)).build();
    assertStatus(
        Code.INVALID_ARGUMENT, () -> server.env().reset(r), "options", "lo", "high", "low");
  }

  @Test
  void resetOptionLowAboveHighIsInvalidArgument() {
    String id = server.env().make(make("CartPole-v1", 1)).getSessionId();
    ResetRequest r =
        reset(id, 0).toBuilder()
            .putOptions("low", Wire.floatValue(0.1))
            .putOptions("high", Wire.floatValue(-0.1))
            .build();
    assertStatus(Code.INVALID_ARGUMENT, () -> server.env().reset(r), "options", "low", "high");
  }

  @Test
  void negativeSeedIsInvalidArgument() {
    String id = server.env().make(make("CartPole-v1", 2)).getSessionId();
    assertStatus(Code.INVALID_ARGUMENT, () -> server.env().reset(reset(id, -1)), "seed", "-1");
    ResetRequest list = reset(id).toBuilder().setSeeds(seeds(5L, -3L)).build();
    assertStatus(Code.INVALID_ARGUMENT, () -> server.env().reset(list), "seeds[1]", "-3");
  }

  @Test
  void seedListOfTheWrongLengthIsInvalidArgument() {
    String id = server.env().make(make("CartPole-v1", 2)).getSessionId();
    ResetRequest r = reset(id).toBuilder().setSeeds(seeds(1L, 2L, 3L)).build();
    assertStatus(Code.INVALID_ARGUMENT, () -> server.env().reset(r), "seeds", "2", "3");
  }

  @Test
  void resetMaskOfTheWrongLengthIsInvalidArgument() {
    String id = server.env().make(make("CartPole-v1", 2)).getSessionId();
    ResetRequest r = reset(id, 0).toBuilder().addResetMask(true).build();
    assertStatus(Code.INVALID_ARGUMENT, () -> server.env().reset(r), "reset_mask", "2", "1");
  }

  @Test
  void numEnvsOverTheLimitIsResourceExhausted() {
    assertStatus(
        Code.RESOURCE_EXHAUSTED,
        () -> server.env().make(make("CartPole-v1", MAX_ENVS + 1)),
        "num_envs",
        "9",
        "8",
        "--max-envs-per-session");
    assertEquals(MAX_ENVS, server.env().make(make("CartPole-v1", MAX_ENVS)).getNumEnvs());
  }

  @Test
  void numEnvsIsReadAsUnsigned() {
    // uint32 on the wire: -1 in Java is 4294967295 envs, far over the limit, not "negative".
    assertStatus(
        Code.RESOURCE_EXHAUSTED,
        () -> server.env().make(make("CartPole-v1", -1)),
        "num_envs",
        "4294967295",
        "--max-envs-per-session");
  }

  @Test
  void unknownAutoresetModeIsInvalidArgument() {
    MakeRequest r = make("CartPole-v1", 1).toBuilder().setAutoresetModeValue(7).build();
    assertStatus(Code.INVALID_ARGUMENT, () -> server.env().make(r), "autoreset_mode", "7");
  }

  @Test
  void renderBeforeResetIsFailedPrecondition() {
    MakeRequest r = make("CartPole-v1", 1).toBuilder().setRenderMode("rgb_array").build();
    String id = server.env().make(r).getSessionId();
    assertStatus(Code.FAILED_PRECONDITION, () -> server.env().render(render(id)), "reset");
  }

  @Test
  void sessionsOverTheLimitAreResourceExhaustedUntilOneCloses() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < MAX_SESSIONS; i++) {
      ids.add(server.env().make(make("CartPole-v1", 1)).getSessionId());
    }
    assertStatus(
        Code.RESOURCE_EXHAUSTED,
        () -> server.env().make(make("CartPole-v1", 1)),
        "3 of its 3 sessions",
        "--max-sessions");

    server.env().close(close(ids.get(1)));

    String again = server.env().make(make("CartPole-v1", 1)).getSessionId();
    server.env().reset(reset(again, 0));
    assertStatus(
        Code.RESOURCE_EXHAUSTED, () -> server.env().make(make("CartPole-v1", 1)), "--max-sessions");
  }

  @Test
  void failedMakesDoNotUseUpSessionSlots() {
    MakeRequest badKwarg =
        make("CartPole-v1", 1).toBuilder().putKwargs("nope", Wire.boolValue(true)).build();
    for (int i = 0; i < 2 * MAX_SESSIONS; i++) {
      assertStatus(Code.INVALID_ARGUMENT, () -> server.env().make(badKwarg), "nope");
      assertStatus(Code.NOT_FOUND, () -> server.env().make(make("Nope-v0", 1)), "env_id");
      assertStatus(
          Code.RESOURCE_EXHAUSTED,
          () -> server.env().make(make("CartPole-v1", MAX_ENVS + 1)),
          "num_envs");
    }
    for (int i = 0; i < MAX_SESSIONS; i++) {
      server.env().make(make("CartPole-v1", 1));
    }
  }

  @Test
  void nonPositiveMaxEpisodeStepsIsInvalidArgument() {
    for (int steps : new int[] {0, -5}) {
      MakeRequest r = make("CartPole-v1", 1).toBuilder().setMaxEpisodeSteps(steps).build();
      assertStatus(
          Code.INVALID_ARGUMENT,
          () -> server.env().make(r),
          "max_episode_steps",
          "> 0",
          String.valueOf(steps));
    }
  }

  @Test
  void renderModeTheEnvLacksIsInvalidArgument() {
    MakeRequest r = make("CartPole-v1", 1).toBuilder().setRenderMode("human").build();
    assertStatus(
        Code.INVALID_ARGUMENT, () -> server.env().make(r), "render_mode", "human", "rgb_array");
  }

  /** A request that must fail with {@code code} and a message containing {@code fragment}. */
  private record Bad(Code code, String fragment, Supplier<?> call) {}

  @Test
  void badRequestsFromAnotherClientLeaveAGoodSessionIntact() throws Exception {
    // The good client steps one seeded session; the reference is the same envs run in-process.
    String good = server.env().make(make("CartPole-v1", 2)).getSessionId();
    Reference ref = new Reference(2, 11);
    assertEquals(
        ref.observations(),
        server.env().reset(reset(good, 11)).getObservation().getTensor().getData());

    ManagedChannel other = server.newChannel();
    String badSession = server.env(other).make(make("CartPole-v1", 1)).getSessionId();
    Tensor int32 = Tensors.ofInts(DType.DTYPE_INT32, new int[] {0, 0}, 2);
    List<Bad> bad =
        List.of(
            new Bad(Code.NOT_FOUND, "env_id", () -> server.env(other).make(make("Nope-v0", 1))),
            new Bad(
                Code.RESOURCE_EXHAUSTED,
                "num_envs",
                () -> server.env(other).make(make("CartPole-v1", MAX_ENVS + 1))),
            new Bad(
                Code.INVALID_ARGUMENT,
                "kwargs",
                () ->
                    server
                        .env(other)
                        .make(
                            make("CartPole-v1", 1).toBuilder()
                                .putKwargs("x", Wire.intValue(1))
                                .build())),
            new Bad(
                Code.FAILED_PRECONDITION,
                "Reset",
                () -> server.env(other).step(step(badSession, 0))),
            new Bad(
                Code.INVALID_ARGUMENT,
                "seed",
                () -> server.env(other).reset(reset(badSession, -7))),
            new Bad(
                Code.INVALID_ARGUMENT,
                "seeds",
                () ->
                    server
                        .env(other)
                        .reset(reset(badSession).toBuilder().setSeeds(seeds(1L, 2L)).build())),
            new Bad(
                Code.FAILED_PRECONDITION,
                "render_mode",
                () -> server.env(other).render(render(badSession))),
            new Bad(Code.NOT_FOUND, "session_id", () -> server.env(other).close(close("s-0000"))),
            // The good session itself, from the other client and malformed: refused as a whole.
            new Bad(
                Code.INVALID_ARGUMENT,
                "action[env 1]",
                () -> server.env(other).step(step(good, 1, 2))),
            new Bad(
                Code.INVALID_ARGUMENT,
                "action.dtype",
                () -> server.env(other).step(step(good, int32))),
            new Bad(
                Code.INVALID_ARGUMENT,
                "reset_mask",
                () ->
                    server.env(other).reset(reset(good, 1).toBuilder().addResetMask(true).build())),
            new Bad(
                Code.INVALID_ARGUMENT,
                "options",
                () ->
                    server
                        .env(other)
                        .reset(
                            reset(good, 1).toBuilder()
                                .putOptions("low", Wire.floatValue(1))
                                .build())));

    long action = 0;
    try (TestServer.StreamClient stream = new TestServer.StreamClient(other)) {
      for (Bad b : bad) {
        assertStatus(b.code(), b.call(), b.fragment());
        // Mistakes in-band on a stream of the other client, too.
        assertStreamError(
            stream.call(streamed(step(good, 0, 3))), Code.INVALID_ARGUMENT, "action[env 1]");
        assertStreamError(stream.call(streamed(make("Nope-v0", 1))), Code.NOT_FOUND, "env_id");
        assertStreamError(
            stream.call(StreamRequest.getDefaultInstance()), Code.INVALID_ARGUMENT, "request");

        action = 1 - action;
        StepResponse r = server.env().step(step(good, action, 1 - action));
        ref.step(action, 1 - action);
        assertEquals(ref.observations(), r.getObservation().getTensor().getData(), "after " + b);
        assertEquals(List.of(1.0, 1.0), r.getRewardsList());
        assertEquals(List.of(false, false), r.getTerminatedList());
      }
    }
  }

  private static SeedList seeds(Long... seeds) {
    SeedList.Builder b = SeedList.newBuilder();
    for (Long s : seeds) {
      b.addSeeds(
          s == null
              ? OptionalSeed.getDefaultInstance()
              : OptionalSeed.newBuilder().setSeed(s).build());
    }
    return b.build();
  }

  /** The same CartPole-v1 envs run in-process, for comparing observation bytes. */
  private static final class Reference {
    private final Env[] envs;
    private final Transition[] out;
    private final byte[] batch;

    Reference(int n, long seed) {
      var reg = EnvRegistry.builtin().find("CartPole-v1").orElseThrow();
      envs = new Env[n];
      out = new Transition[n];
      batch = new byte[16 * n];
      for (int i = 0; i < n; i++) {
        envs[i] = EnvRegistry.make(reg, Map.of(), null);
        out[i] = new Transition(batch, 16 * i, 16);
        envs[i].reset(seed + i, Map.of(), out[i]);
      }
    }

    void step(long... actions) {
      for (int i = 0; i < envs.length; i++) {
        out[i].clear();
        ByteBuffer a = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, actions[i]);
        envs[i].step(a, out[i]);
      }
    }

    ByteString observations() {
      return ByteString.copyFrom(batch);
    }
  }
}
