package io.gymbridge.agent.eval;

import io.gymbridge.agent.dqn.DqnLearner;
import io.gymbridge.client.ClientConfig;
import io.gymbridge.client.RemoteSession;
import io.gymbridge.client.StepBatch;
import io.gymbridge.v1.Tensor;
import io.gymbridge.v1.Value;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/**
 * Plays one game with the learner's policy and writes it as an animated GIF from the server's
 * rendered frames (render_mode "rgb_array"), so a person can watch the agent play. One frame per
 * agent step, shown {@code delayMillis} (an Atari agent step is 4 frames at 60 Hz: 70 ms plays in
 * real time).
 */
public final class GameRecorder {
  private GameRecorder() {}

  /** What was recorded. */
  public record Recording(double score, int steps, boolean complete) {}

  /**
   * Records one episode on a fresh single-env session of {@code envId}, acting as {@link Evaluator}
   * does (greedy, random with probability {@code epsilon}), for at most {@code maxSteps} steps.
   */
  public static Recording record(
      String address,
      ClientConfig client,
      String envId,
      Map<String, Value> kwargs,
      DqnLearner learner,
      double epsilon,
      long seed,
      Path gif,
      int maxSteps,
      int delayMillis)
      throws IOException {
    Random random = new Random(seed);
    try (RemoteSession session = RemoteSession.openRendering(address, envId, kwargs, client)) {
      StepBatch obs = session.reset(seed);
      Tensor first = session.render();
      int height = (int) first.getShape(1);
      int width = (int) first.getShape(2);
      double score = 0;
      int steps = 0;
      boolean ended = false;
      try (GifWriter out = GifWriter.open(gif, height, width, delayMillis)) {
        out.addFrame(first.getData().toByteArray());
        while (!ended && steps < maxSteps) {
          int[] action = Evaluator.greedyActions(learner, obs, 1);
          if (random.nextDouble() < epsilon) {
            action[0] = random.nextInt(session.numActions());
          }
          obs = session.step(action);
          score += obs.rewards()[0];
          steps++;
          ended = obs.terminated()[0] || obs.truncated()[0];
          out.addFrame(session.render().getData().toByteArray());
        }
      }
      return new Recording(score, steps, ended);
    }
  }
}
