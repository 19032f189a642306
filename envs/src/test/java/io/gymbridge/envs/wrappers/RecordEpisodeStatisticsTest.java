package io.gymbridge.envs.wrappers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gymbridge.envs.Env;
import io.gymbridge.envs.ScriptedEnv;
import io.gymbridge.envs.Transition;
import io.gymbridge.v1.Value;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ScriptedEnv pays t on its t-th step since reset, so an episode of n steps returns n(n+1)/2. */
class RecordEpisodeStatisticsTest {
  private final Transition out = Transition.ofSize(ScriptedEnv.observationBytes());

  private void step(Env env) {
    out.clear();
    env.step(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN), out);
  }

  private void reset(Env env) {
    out.clear();
    env.reset(0L, Map.of(), out);
  }

  /** info["episode"]'s entries, asserting their kinds: "r" and "t" floats, "l" an int. */
  private Map<String, Value> episode() {
    Value v = out.info().get(RecordEpisodeStatistics.KEY);
    assertEquals(Value.KindCase.MAP, v.getKindCase());
    Map<String, Value> e = v.getMap().getEntriesMap();
    assertEquals(3, e.size(), e::toString);
    assertEquals(Value.KindCase.FLOAT_VALUE, e.get("r").getKindCase());
    assertEquals(Value.KindCase.INT_VALUE, e.get("l").getKindCase());
    assertEquals(Value.KindCase.FLOAT_VALUE, e.get("t").getKindCase());
    return e;
  }

  @Test
  void theEndingStepReportsTheSummedRewardAndTheStepCount() {
    Env env = new RecordEpisodeStatistics(new ScriptedEnv(4));
    reset(env);
    for (int t = 1; t <= 3; t++) {
      step(env);
      assertFalse(out.info().containsKey("episode"), "step " + t + " does not end the episode");
    }
    step(env);
    assertTrue(out.terminated());
    Map<String, Value> e = episode();
    assertEquals(1.0 + 2 + 3 + 4, e.get("r").getFloatValue());
    assertEquals(4, e.get("l").getIntValue());
    assertEquals(4.0, out.reward(), "the reward itself passes through");
  }

  @Test
  void resetRestartsTheCounts() {
    Env env = new RecordEpisodeStatistics(new ScriptedEnv(3));
    reset(env);
    step(env);
    step(env);
    reset(env); // abandons the episode after 2 steps: nothing reported, nothing carried over
    step(env);
    step(env);
    step(env);
    Map<String, Value> e = episode();
    assertEquals(1.0 + 2 + 3, e.get("r").getFloatValue());
    assertEquals(3, e.get("l").getIntValue());
  }

  @Test
  void truncationReportsToo() {
    Env env = new RecordEpisodeStatistics(new TimeLimit(new ScriptedEnv(0), 5));
    reset(env);
    for (int t = 1; t <= 4; t++) {
      step(env);
      assertFalse(out.info().containsKey("episode"), "step " + t);
    }
    step(env);
    assertTrue(out.truncated());
    assertFalse(out.terminated());
    Map<String, Value> e = episode();
    assertEquals(15.0, e.get("r").getFloatValue());
    assertEquals(5, e.get("l").getIntValue());
  }

  @Test
  void steppingPastTheEndKeepsCountingUntilResetAsGymnasiumDoes() {
    Env env = new RecordEpisodeStatistics(new ScriptedEnv(2));
    reset(env);
    step(env);
    step(env);
    assertEquals(2, episode().get("l").getIntValue());
    step(env); // ScriptedEnv stays terminated and pays 3: Gymnasium adds it to the same sums
    assertEquals(3, episode().get("l").getIntValue());
    assertEquals(6.0, episode().get("r").getFloatValue());
  }

  @Test
  void timeIsTheSecondsSinceResetRoundedToSixDecimals() throws InterruptedException {
    Env env = new RecordEpisodeStatistics(new ScriptedEnv(1));
    reset(env);
    Thread.sleep(30);
    step(env);
    double t = episode().get("t").getFloatValue();
    assertTrue(t >= 0.030 && t < 30.0, "t = " + t);
    assertEquals(Math.round(t * 1e6) / 1e6, t, "t = " + t);
  }

  @Test
  void twoStackedAreAnErrorAsGymnasiumAsserts() {
    Env env = new RecordEpisodeStatistics(new RecordEpisodeStatistics(new ScriptedEnv(1)));
    reset(env);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> step(env));
    assertTrue(e.getMessage().contains("episode"), e.getMessage());
  }
}
