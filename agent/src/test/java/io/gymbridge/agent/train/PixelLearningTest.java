package io.gymbridge.agent.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.gymbridge.agent.dqn.DqnLearner;
import io.gymbridge.agent.replay.FrameReplay;
import io.gymbridge.client.ObsType;
import io.gymbridge.client.RemoteBatchedEnv;
import io.gymbridge.server.EmbeddedEnvServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pixel path learns, in seconds: uint8 observations over gRPC, the frames-once replay,
 * the Nature CNN (its input scaled on the device) on PixelChoice-v0, whose right action is visible
 * in the image (random play scores ~8 of 16).
 */
class PixelLearningTest {
  @Test
  void theCnnLearnsToPointAtTheSquare(@TempDir Path dir) throws Exception {
    TrainConfig c =
        new ConfigLoader()
            .preset("atari-fast")
            .set("envId=\"PixelChoice-v0\"")
            .set("envKwargs={}")
            .set("episodeStatsFromInfo=false")
            .set("numEnvs=4")
            .set("totalSteps=5000")
            .set("learningStarts=500")
            .set("epsilonFraction=0.3")
            .set("targetUpdateInterval=100")
            .set("learningRate=0.0005")
            .set("nStep=1")
            .set("gamma=0.9")
            .set("bufferSize=20000")
            .set("checkpointInterval=0")
            .set("seed=2")
            .build();
    RunDirectory run = RunDirectory.create(dir);
    try (EmbeddedEnvServer server = EmbeddedEnvServer.start();
        RemoteBatchedEnv env =
            RemoteBatchedEnv.connect(List.of(server.address()), c.envId(), c.numEnvs());
        DqnLearner learner =
            new DqnLearner(
                c.learnerConfig(true),
                env.observationShape(),
                true,
                env.numActions(),
                Device.cpu())) {
      assertEquals(ObsType.UINT8, env.observationType());
      FrameReplay replay =
          new FrameReplay(c.bufferSize(), c.numEnvs(), 1, 36 * 36, 1, c.gamma(), 0, 1e-6, 3);
      Trainer trainer = new Trainer(c, env, learner, replay, run, 15.0);
      Trainer.Summary s = trainer.run(new Progress(new PrintStream(new ByteArrayOutputStream())));
      List<String> rows = Files.readAllLines(run.metricsCsv());
      double first = meanReturn(rows.subList(1, 21));
      double last = meanReturn(rows.subList(rows.size() - 20, rows.size()));
      // Calibration (seed 2): ~8 at first, 15.5-16 by the end; the env's threshold is 15.
      assertTrue(first < 11, "the first episodes should look random, mean " + first);
      assertTrue(last >= 14, "the last 20 episodes should pick the right half, mean " + last);
      assertTrue(s.solvedAtStep() > 0, "solved (100-episode mean >= 15) within the budget");
    }
  }

  static double meanReturn(List<String> rows) {
    return rows.stream()
        .mapToDouble(r -> Double.parseDouble(r.split(",")[2]))
        .average()
        .orElseThrow();
  }
}
