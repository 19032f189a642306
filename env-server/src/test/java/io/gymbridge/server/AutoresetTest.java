package io.gymbridge.server;

import static io.gymbridge.server.EnvServiceRpcTest.SEED_3_SECOND_RESET;
import static io.gymbridge.server.Wire.make;
import static io.gymbridge.server.Wire.obs;
import static io.gymbridge.server.Wire.obsBytes;
import static io.gymbridge.server.Wire.reset;
import static io.gymbridge.server.Wire.step;
import static io.gymbridge.server.Wire.stepOk;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.gymbridge.v1.AutoresetMode;
import io.gymbridge.v1.ResetRequest;
import io.gymbridge.v1.StepResponse;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The three autoreset modes, as a client sees them over the wire. */
class AutoresetTest {
  /*
   * Gymnasium 1.3.0, from /tmp/scratch/venv:
   *
   *   e = gym.make("CartPole-v1")
   *   e.reset(options={"low": 0.2, "high": 0.2})   # every state variable starts at 0.2
   *   t = 0
   *   while True:
   *       o, r, te, tr, _ = e.step(1); t += 1
   *       if te: break                             # t == 15, r == 1.0: TERMINATED_AT_15
   *   e.step(1)                                    # reward 0.0, terminated: BEYOND_1
   */
  private static final float[] TERMINATED_AT_15 = {
    0.6643879413604736f, 3.1016123294830322f, -0.24037431180477142f, -3.7161483764648438f
  };
  private static final float[] BEYOND_1 = {
    0.7264202237129211f, 3.296036720275879f, -0.3146972954273224f, -4.069391250610352f
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

  private String made(int numEnvs, AutoresetMode mode, int maxEpisodeSteps) {
    return server.env().make(make("CartPole-v1", numEnvs, mode, maxEpisodeSteps)).getSessionId();
  }

  @Test
  void nextStepResetsAnEndedEnvOnTheFollowingStepAndIgnoresItsAction() {
    String a = made(1, AutoresetMode.AUTORESET_MODE_NEXT_STEP, 5);
    String b = made(1, AutoresetMode.AUTORESET_MODE_NEXT_STEP, 5);
    server.env().reset(reset(a, 3));
    server.env().reset(reset(b, 3));
    StepResponse last = null;
    for (int t = 1; t <= 5; t++) {
      last = stepOk(server.env().step(step(a, t % 2)), 1);
      server.env().step(step(b, t % 2));
      assertEquals(List.of(t == 5), last.getTruncatedList(), "step " + t);
      assertEquals(List.of(false), last.getTerminatedList());
      assertEquals(List.of(1.0), last.getRewardsList());
    }

    // Different actions on the autoreset step: both are ignored.
    StepResponse ra = server.env().step(step(a, 0));
    StepResponse rb = server.env().step(step(b, 1));

    for (StepResponse r : List.of(ra, rb)) {
      assertEquals(List.of(0.0), r.getRewardsList());
      assertEquals(List.of(false), r.getTerminatedList());
      assertEquals(List.of(false), r.getTruncatedList());
      assertArrayEquals(SEED_3_SECOND_RESET, obs(r.getObservation()), "the reset observation");
      assertEquals(0, r.getFinalEnvIndicesCount());
    }
    // And the new episode runs normally.
    StepResponse next = server.env().step(step(a, 1));
    assertEquals(List.of(1.0), next.getRewardsList());
    assertEquals(List.of(false), next.getTruncatedList());
  }

  @Test
  void nextStepResetsATerminatedEnvToo() {
    String id = made(1, AutoresetMode.AUTORESET_MODE_NEXT_STEP, 500);
    server.env().reset(poleAtPointTwo(reset(id, 3)));
    StepResponse r = null;
    for (int t = 1; t <= 15; t++) {
      r = server.env().step(step(id, 1));
    }
    assertEquals(List.of(true), r.getTerminatedList());
    assertArrayEquals(TERMINATED_AT_15, obs(r.getObservation()));

    StepResponse reset = server.env().step(step(id, 1));
    assertEquals(List.of(0.0), reset.getRewardsList());
    assertEquals(List.of(false), reset.getTerminatedList());
    // Autoreset passes no options: the reset draws from [-0.05, 0.05), continuing seed 3's RNG.
    assertArrayEquals(SEED_3_SECOND_RESET, obs(reset.getObservation()));
  }

  @Test
  void sameStepReturnsTheResetObservationAndTheEndedEpisodeInFinalFields() {
    // A SAME_STEP session and a DISABLED twin fed identical requests: where the twin shows an
    // episode's last observation, SAME_STEP must put it in final_observation.
    String same = made(3, AutoresetMode.AUTORESET_MODE_SAME_STEP, 5);
    String twin = made(3, AutoresetMode.AUTORESET_MODE_DISABLED, 5);
    for (String id : List.of(same, twin)) {
      server.env().reset(reset(id, 3));
      server.env().step(step(id, 1, 0, 1));
      server.env().step(step(id, 0, 1, 0));
      // Env 1 restarts its episode, so only envs 0 and 2 reach the limit on step 5.
      server
          .env()
          .reset(
              reset(id).toBuilder()
                  .addResetMask(false)
                  .addResetMask(true)
                  .addResetMask(false)
                  .build());
      server.env().step(step(id, 1, 1, 1));
      server.env().step(step(id, 0, 0, 0));
    }

    StepResponse r = stepOk(server.env().step(step(same, 1, 0, 0)), 3);
    StepResponse t = server.env().step(step(twin, 1, 0, 0));

    assertEquals(List.of(1.0, 1.0, 1.0), r.getRewardsList(), "rewards of the ended step");
    assertEquals(List.of(true, false, true), r.getTruncatedList());
    assertEquals(List.of(false, false, false), r.getTerminatedList());
    assertEquals(t.getTruncatedList(), r.getTruncatedList());
    assertEquals(List.of(0, 2), r.getFinalEnvIndicesList());
    assertEquals(List.of(2L, 4L), r.getFinalObservation().getTensor().getShapeList());
    assertEquals(obsBytes(t.getObservation(), 0), obsBytes(r.getFinalObservation(), 0));
    assertEquals(obsBytes(t.getObservation(), 2), obsBytes(r.getFinalObservation(), 1));
    assertEquals(0, r.getFinalInfosCount(), "CartPole's infos are empty");

    // Env 1 went on; envs 0 and 2 show their fresh reset (seeded 3 and 5, second draw).
    assertEquals(obsBytes(t.getObservation(), 1), obsBytes(r.getObservation(), 1));
    float[] env0 = Arrays.copyOfRange(obs(r.getObservation()), 0, 4);
    assertArrayEquals(SEED_3_SECOND_RESET, env0);
    assertNotEquals(obsBytes(t.getObservation(), 2), obsBytes(r.getObservation(), 2));

    // The next step continues the new episodes: no reset step in between, as NEXT_STEP has.
    StepResponse next = server.env().step(step(same, 1, 1, 1));
    assertEquals(List.of(1.0, 1.0, 1.0), next.getRewardsList());
    assertEquals(List.of(false, false, false), next.getTruncatedList());
    assertEquals(0, next.getFinalEnvIndicesCount());
    assertFalse(next.hasFinalObservation());
  }

  @Test
  void disabledKeepsSteppingPastTerminationWithRewardZeroAsGymnasium() {
    String id = made(1, AutoresetMode.AUTORESET_MODE_DISABLED, 500);
    server.env().reset(poleAtPointTwo(reset(id, 0)));
    StepResponse r = null;
    for (int t = 1; t <= 15; t++) {
      r = server.env().step(step(id, 1));
      assertEquals(List.of(t == 15), r.getTerminatedList(), "step " + t);
      assertEquals(List.of(1.0), r.getRewardsList());
    }
    assertArrayEquals(TERMINATED_AT_15, obs(r.getObservation()));

    StepResponse beyond = server.env().step(step(id, 1));

    assertEquals(List.of(0.0), beyond.getRewardsList());
    assertEquals(List.of(true), beyond.getTerminatedList());
    assertArrayEquals(BEYOND_1, obs(beyond.getObservation()), "keeps integrating, no reset");
    assertEquals(0, beyond.getFinalEnvIndicesCount());
    assertEquals(List.of(0.0), server.env().step(step(id, 1)).getRewardsList());
  }

  @Test
  void disabledKeepsReportingTruncationPastTheTimeLimit() {
    String id = made(1, AutoresetMode.AUTORESET_MODE_DISABLED, 5);
    server.env().reset(reset(id, 3));
    StepResponse r = null;
    for (int t = 1; t <= 5; t++) {
      r = server.env().step(step(id, t % 2));
    }
    assertEquals(List.of(true), r.getTruncatedList());

    StepResponse beyond = server.env().step(step(id, 0));
    assertEquals(List.of(true), beyond.getTruncatedList());
    assertEquals(List.of(1.0), beyond.getRewardsList(), "the pole is still up");
    assertNotEquals(obsBytes(r.getObservation(), 0), obsBytes(beyond.getObservation(), 0));
    assertFalse(Arrays.equals(SEED_3_SECOND_RESET, obs(beyond.getObservation())), "not reset");

    // Only a reset restarts it.
    server.env().reset(reset(id).toBuilder().addResetMask(true).build());
    StepResponse fresh = server.env().step(step(id, 0));
    assertEquals(List.of(false), fresh.getTruncatedList());
  }

  /** Every state variable starts at 0.2 (low == high): the pole falls in 15 steps of action 1. */
  private static ResetRequest poleAtPointTwo(ResetRequest r) {
    return r.toBuilder()
        .putOptions("low", Wire.floatValue(0.2))
        .putOptions("high", Wire.floatValue(0.2))
        .build();
  }
}
