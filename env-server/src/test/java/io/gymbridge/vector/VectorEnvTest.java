package io.gymbridge.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gymbridge.envs.Env;
import io.gymbridge.envs.ResetNeededException;
import io.gymbridge.envs.ScriptedEnv;
import io.gymbridge.envs.wrappers.TimeLimit;
import io.gymbridge.v1.Value;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Gymnasium 1.x vector semantics with envs whose observation is {@code [episode, t, seed]} (see
 * {@link ScriptedEnv}): env 0 terminates on its second step, env 1 never does.
 */
class VectorEnvTest {
  private final ScriptedEnv ends = new ScriptedEnv(2);
  private final ScriptedEnv runs = new ScriptedEnv(0);

  private VectorEnv vector(AutoresetMode mode) {
    return new VectorEnv(List.of(ends, runs), mode);
  }

  private static ByteBuffer actions(long... a) {
    ByteBuffer b = ByteBuffer.allocate(8 * a.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < a.length; i++) {
      b.putLong(8 * i, a[i]);
    }
    return b;
  }

  private static float[] obs(VectorEnv v, int env) {
    return ScriptedEnv.read(
        ByteBuffer.wrap(v.observations()).order(ByteOrder.LITTLE_ENDIAN),
        env * ScriptedEnv.observationBytes());
  }

  private static void assertObs(VectorEnv v, int env, int episode, int t) {
    float[] o = obs(v, env);
    assertEquals(episode, o[0], "env " + env + " episode");
    assertEquals(t, o[1], "env " + env + " t");
  }

  @Test
  void stepBeforeEveryEnvWasResetThrowsAndStepsNoEnv() {
    VectorEnv v = vector(AutoresetMode.NEXT_STEP);
    assertThrows(ResetNeededException.class, () -> v.step(actions(0, 0)));

    v.reset(null, Map.of(), new boolean[] {true, false});
    ResetNeededException e = assertThrows(ResetNeededException.class, () -> v.step(actions(0, 0)));
    assertTrue(e.getMessage().contains("env 1"), e.getMessage());
    assertTrue(ends.actions().isEmpty(), "env 0 was not stepped either");
  }

  @Test
  void resetSeedsEachEnvAndAMaskLeavesTheOthersAlone() {
    VectorEnv v = vector(AutoresetMode.NEXT_STEP);
    v.reset(new Long[] {5L, null}, Map.of(), null);
    assertEquals(5f, obs(v, 0)[2]);
    assertEquals(-1f, obs(v, 1)[2], "no seed: the env keeps its RNG");

    v.step(actions(0, 0));
    v.reset(new Long[] {7L, 8L}, Map.of(), new boolean[] {false, true});

    assertArrayEquals(new float[] {1, 1, 5}, obs(v, 0), "masked out: state and observation kept");
    assertArrayEquals(new float[] {2, 0, 8}, obs(v, 1));
    assertTrue(v.info(0).isEmpty(), "only reset envs report an info");
    assertEquals(2, v.info(1).get("episode").getIntValue());
  }

  @Test
  void nextStepResetsAnEndedEnvOnTheFollowingStepIgnoringItsAction() {
    VectorEnv v = vector(AutoresetMode.NEXT_STEP);
    v.reset(null, Map.of(), null);
    v.step(actions(1, 1));
    v.step(actions(0, 0));
    assertArrayEquals(new boolean[] {true, false}, v.terminated());
    assertArrayEquals(new double[] {2, 2}, v.rewards());

    v.step(actions(1, 1));

    assertObs(v, 0, 2, 0);
    assertEquals(0.0, v.rewards()[0]);
    assertFalse(v.terminated()[0]);
    assertFalse(v.truncated()[0]);
    assertEquals(
        List.of(1L, 0L), ends.actions(), "the autoreset step's action never reached env 0");
    assertEquals(Value.newBuilder().setIntValue(2).build(), v.info(0).get("episode"), "reset info");
    assertObs(v, 1, 1, 3);
    assertEquals(3.0, v.rewards()[1]);
    assertTrue(v.finals().isEmpty(), "NEXT_STEP has no final fields");

    v.step(actions(1, 1));
    assertObs(v, 0, 2, 1);
    assertEquals(1.0, v.rewards()[0]);
  }

  @Test
  void nextStepAutoresetsATruncatedEnvToo() {
    ScriptedEnv inner = new ScriptedEnv(0);
    VectorEnv v = new VectorEnv(List.<Env>of(new TimeLimit(inner, 2)), AutoresetMode.NEXT_STEP);
    v.reset(null, Map.of(), null);
    v.step(actions(0));
    v.step(actions(0));
    assertTrue(v.truncated()[0]);
    assertFalse(v.terminated()[0]);

    v.step(actions(0));
    assertObs(v, 0, 2, 0);
    assertFalse(v.truncated()[0]);
  }

  @Test
  void anExplicitResetCancelsAPendingAutoreset() {
    VectorEnv v = vector(AutoresetMode.NEXT_STEP);
    v.reset(null, Map.of(), null);
    v.step(actions(0, 0));
    v.step(actions(0, 0)); // env 0 ends
    v.reset(null, Map.of(), null);

    v.step(actions(1, 1));

    assertObs(v, 0, 2, 1);
    assertEquals(1.0, v.rewards()[0], "a real step, not a second reset");
  }

  @Test
  void sameStepResetsInTheEndingStepAndReportsTheFinalObservation() {
    VectorEnv v = vector(AutoresetMode.SAME_STEP);
    v.reset(null, Map.of(), null);
    v.step(actions(0, 0));
    assertTrue(v.finals().isEmpty());

    v.step(actions(1, 1));

    assertObs(v, 0, 2, 0);
    assertEquals(2.0, v.rewards()[0], "reward of the ended step");
    assertTrue(v.terminated()[0], "flags of the ended step");
    assertEquals(2, v.info(0).get("episode").getIntValue(), "info of the reset");
    assertEquals(1, v.finals().size());
    VectorEnv.FinalStep f = v.finals().get(0);
    assertEquals(0, f.env());
    assertArrayEquals(
        new float[] {1, 2, -1},
        ScriptedEnv.read(ByteBuffer.wrap(f.observation()).order(ByteOrder.LITTLE_ENDIAN), 0));
    assertFalse(f.info().containsKey("episode"), "the ended step's info, not the reset's");
    assertObs(v, 1, 1, 2);

    v.step(actions(1, 1));
    assertObs(v, 0, 2, 1);
    assertEquals(1.0, v.rewards()[0], "the new episode steps at once");
    assertFalse(v.terminated()[0]);
    assertTrue(v.finals().isEmpty(), "finals belong to one step only");
    assertEquals(List.of(0L, 1L, 1L), ends.actions());
  }

  @Test
  void sameStepListsEveryEndedEnvInAscendingOrder() {
    ScriptedEnv a = new ScriptedEnv(1);
    ScriptedEnv b = new ScriptedEnv(0);
    ScriptedEnv c = new ScriptedEnv(1);
    VectorEnv v = new VectorEnv(List.of(a, b, c), AutoresetMode.SAME_STEP);
    v.reset(null, Map.of(), null);
    v.step(actions(0, 0, 0));
    assertEquals(List.of(0, 2), v.finals().stream().map(VectorEnv.FinalStep::env).toList());
  }

  @Test
  void disabledKeepsSteppingAnEndedEnv() {
    VectorEnv v = vector(AutoresetMode.DISABLED);
    v.reset(null, Map.of(), null);
    v.step(actions(0, 0));
    v.step(actions(0, 0));
    assertTrue(v.terminated()[0]);

    v.step(actions(1, 0));

    assertObs(v, 0, 1, 3);
    assertTrue(v.terminated()[0], "the env says so itself, as a plain gymnasium.Env");
    assertEquals(3.0, v.rewards()[0]);
    assertEquals(List.of(0L, 0L, 1L), ends.actions(), "the action was applied");
    assertTrue(v.finals().isEmpty());

    v.reset(null, Map.of(), new boolean[] {true, false});
    assertObs(v, 0, 2, 0);
    assertObs(v, 1, 1, 3);
  }

  @Test
  void closeClosesEveryEnv() {
    vector(AutoresetMode.NEXT_STEP).close();
    assertEquals(1, ends.closes());
    assertEquals(1, runs.closes());
  }
}
