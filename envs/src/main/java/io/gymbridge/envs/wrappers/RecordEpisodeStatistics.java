package io.gymbridge.envs.wrappers;

import io.gymbridge.envs.Env;
import io.gymbridge.envs.Transition;
import io.gymbridge.v1.Value;
import io.gymbridge.v1.ValueMap;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * Gymnasium 1.x's {@code RecordEpisodeStatistics}: sums the rewards and counts the steps of the env
 * it wraps, and on the step where that env terminates or truncates adds {@code info["episode"] =
 * {"r": float, "l": int, "t": float}}: the summed reward, the number of steps and the seconds since
 * the episode began (its reset, or the previous end), rounded to 6 decimals as Gymnasium rounds
 * {@code time.perf_counter()} differences.
 *
 * <p>As in Gymnasium only {@link #reset} restarts the sums; stepping on past an end keeps adding to
 * them (and reports again on the next end). What counts as the episode is the wrapped env's: placed
 * beneath wrappers that end episodes early (EpisodicLife) or change rewards (ClipReward), it
 * reports the whole game and its real score, which is why {@code AtariPipeline} puts it there. A
 * step allocates nothing except on the step that reports. An ending step whose info already has an
 * "episode" key (two of these wrappers stacked) is an IllegalStateException, where Gymnasium
 * asserts.
 */
public final class RecordEpisodeStatistics extends EnvWrapper {
  /** The info key, Gymnasium's default {@code stats_key}. */
  public static final String KEY = "episode";

  private double episodeReturn;
  private long episodeLength;
  private long episodeStartNanos = System.nanoTime();

  public RecordEpisodeStatistics(Env env) {
    super(env);
  }

  @Override
  public void reset(Long seed, Map<String, Value> options, Transition out) {
    env.reset(seed, options, out);
    episodeStartNanos = System.nanoTime();
    episodeReturn = 0.0;
    episodeLength = 0;
  }

  @Override
  public void step(ByteBuffer action, Transition out) {
    env.step(action, out);
    episodeReturn += out.reward();
    episodeLength++;
    if (out.terminated() || out.truncated()) {
      if (out.info().containsKey(KEY)) {
        throw new IllegalStateException(
            "info already has '" + KEY + "' at the episode's end: two RecordEpisodeStatistics?");
      }
      long now = System.nanoTime();
      out.info().put(KEY, stats(episodeReturn, episodeLength, now - episodeStartNanos));
      episodeStartNanos = now;
    }
  }

  private static Value stats(double r, long l, long nanos) {
    // round(seconds, 6): whole microseconds, rounded half up (Python rounds the decimal half even).
    double seconds = Math.round(nanos / 1e3) / 1e6;
    return Value.newBuilder()
        .setMap(
            ValueMap.newBuilder()
                .putEntries("r", Value.newBuilder().setFloatValue(r).build())
                .putEntries("l", Value.newBuilder().setIntValue(l).build())
                .putEntries("t", Value.newBuilder().setFloatValue(seconds).build()))
        .build();
  }
}
