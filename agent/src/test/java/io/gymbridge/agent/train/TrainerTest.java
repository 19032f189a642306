package io.gymbridge.agent.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.gymbridge.agent.dqn.DqnLearner;
import io.gymbridge.agent.replay.Batch;
import io.gymbridge.agent.replay.Replay;
import io.gymbridge.agent.replay.UniformReplay;
import io.gymbridge.client.RemoteBatchedEnv;
import io.gymbridge.server.EmbeddedEnvServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training loop against a real env-server over real gRPC: it learns, and it resumes. */
class TrainerTest {
  private EmbeddedEnvServer server;

  @BeforeEach
  void start() throws Exception {
    server = EmbeddedEnvServer.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static TrainConfig config(long totalSteps, long checkpointInterval) {
    // Pinned here rather than taken from the default preset, so tuning the preset cannot move
    // this test's bar.
    return new ConfigLoader()
        .set("numEnvs=4")
        .set("trainFrequency=4")
        .set("gradientSteps=1")
        .set("targetUpdateInterval=250")
        .set("learningRate=0.001")
        .set("epsilonFraction=0.2")
        .set("totalSteps=" + totalSteps)
        .set("checkpointInterval=" + checkpointInterval)
        .set("seed=3")
        .build();
  }

  private static DqnLearner learner(TrainConfig c, int obsSize, int numActions, long initSeed) {
    return new DqnLearner(
        c.with(TrainConfig.SEED, initSeed).learnerConfig(false), obsSize, numActions, Device.cpu());
  }

  @Test
  void learnsCartPoleOverGrpcWithinASmallSeededBudget(@TempDir Path dir) throws Exception {
    TrainConfig c = config(15_000, 0);
    RunDirectory run = RunDirectory.create(dir);
    try (RemoteBatchedEnv env =
            RemoteBatchedEnv.connect(List.of(server.address()), c.envId(), c.numEnvs());
        DqnLearner learner = learner(c, env.observationSize(), env.numActions(), c.seed())) {
      Trainer trainer =
          new Trainer(c, env, learner, new UniformReplay(c.bufferSize(), 4, 11), run, 475.0);
      Trainer.Summary s = trainer.run(new Progress(new PrintStream(new ByteArrayOutputStream())));
      assertEquals(15_000, s.steps());
      List<String> rows = Files.readAllLines(run.metricsCsv());
      assertEquals(MetricsCsv.HEADER, rows.get(0));
      // The event file holds every episode metrics.csv does, with the same returns.
      List<Double> logged =
          EventFiles.readAll(dir).stream()
              .filter(e -> e.values() != null && e.values().containsKey("charts/episodic_return"))
              .map(e -> (double) e.values().get("charts/episodic_return"))
              .toList();
      assertEquals(
          rows.subList(1, rows.size()).stream()
              .map(r -> (double) Float.parseFloat(r.split(",")[2]))
              .toList(),
          logged);
      double first = meanReturn(rows.subList(1, 21));
      double last = meanReturn(rows.subList(rows.size() - 20, rows.size()));
      // A random policy averages ~22 on CartPole; seeded, this run is deterministic, and the bar
      // leaves a wide margin below what it reaches (~130 at this budget).
      assertTrue(first < 40, "first 20 episodes should look random, mean " + first);
      assertTrue(last > 80, "last 20 episodes should show clear learning, mean " + last);
      assertTrue(Files.size(run.learningCurvePng()) > 1000);
      assertTrue(Checkpoints.latestIntact(run, System.out).isPresent());
    }
  }

  @Test
  void aCheckpointResumesToTheSameState(@TempDir Path dir) throws Exception {
    TrainConfig c = config(3_000, 0);
    RunDirectory run = RunDirectory.create(dir);
    try (RemoteBatchedEnv env =
            RemoteBatchedEnv.connect(List.of(server.address()), c.envId(), c.numEnvs());
        DqnLearner learner = learner(c, 4, 2, c.seed());
        DqnLearner restored = learner(c, 4, 2, 99)) {
      Replay replay = new UniformReplay(c.bufferSize(), 4, 11);
      Trainer trainer = new Trainer(c, env, learner, replay, run, 475.0);
      trainer.run(new Progress(new PrintStream(new ByteArrayOutputStream())));
      Path checkpoint = Checkpoints.latestIntact(run, System.out).orElseThrow();

      Replay replay2 = Checkpoints.readReplay(checkpoint).orElseThrow();
      Trainer resumed = new Trainer(c, env, restored, replay2, run, 475.0);
      Checkpoints.restore(checkpoint, resumed, restored, run);

      assertEquals(trainer.globalStep(), resumed.globalStep());
      assertEquals(trainer.updates(), resumed.updates());
      assertEquals(learner.trainSteps(), restored.trainSteps());
      float[] probe = {0.01f, -0.2f, 0.03f, 0.1f, -0.04f, 0.5f, 0.02f, -0.3f};
      assertArrayEquals(learner.qValues(probe, 2), restored.qValues(probe, 2));
      assertEquals(replay.size(), replay2.size());
      Batch a = replay.sample(16);
      Batch b = replay2.sample(16);
      assertArrayEquals(a.indices(), b.indices());
      assertArrayEquals(a.obs(), b.obs());
      // Both learners take the same next step from the same batch.
      assertEquals(learner.train(a).loss(), restored.train(b).loss());
    }
  }

  @Test
  void aStopEndsTheRunWithACheckpointAtTheStepReachedAndNoStepInFlight(@TempDir Path dir)
      throws Exception {
    for (boolean replayOnStop : new boolean[] {true, false}) {
      // Periodic checkpoints without the replay (as the Atari presets), every 400 steps.
      TrainConfig c =
          config(100_000, 400)
              .with(TrainConfig.SAVE_REPLAY, false)
              .with(TrainConfig.REPLAY_ON_STOP, replayOnStop);
      RunDirectory run = RunDirectory.create(dir.resolve("replayOnStop-" + replayOnStop));
      try (RemoteBatchedEnv env =
              RemoteBatchedEnv.connect(List.of(server.address()), c.envId(), c.numEnvs());
          DqnLearner learner = learner(c, 4, 2, c.seed())) {
        Replay replay = new UniformReplay(c.bufferSize(), 4, 11);
        Trainer trainer = new Trainer(c, env, learner, replay, run, 475.0);
        int[] asked = {0};
        trainer.stopWhen(() -> ++asked[0] == 300); // asked once per batch of 4 env steps
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Trainer.Summary s = trainer.run(new Progress(new PrintStream(out, true)));

        assertTrue(s.stopped());
        assertEquals(1_200, s.steps());
        String said =
            replayOnStop ? "(checkpoint written, replay included)" : "(checkpoint written)";
        assertTrue(
            out.toString().contains("stopped at step 1,200 of 100,000 " + said), out.toString());
        Path checkpoint = Checkpoints.latestIntact(run, System.out).orElseThrow();
        assertTrue(checkpoint.endsWith("step-000000001200"), checkpoint.toString());
        assertTrue(Files.size(run.learningCurvePng()) > 1000);
        // The stop's checkpoint holds the replay as replayOnStop says; the periodic ones never.
        assertEquals(replayOnStop, Checkpoints.readReplay(checkpoint).isPresent());
        Path periodic = run.checkpoints().resolve("step-000000000800");
        assertTrue(Checkpoints.readReplay(periodic).isEmpty());
        if (replayOnStop) {
          assertEquals(replay.size(), Checkpoints.readReplay(checkpoint).orElseThrow().size());
        }
        // Nothing was left in flight: the envs take a reset and a step at once.
        env.reset(7);
        assertEquals(16, env.step(new int[4]).obs().length);
      }
    }
  }

  private static double meanReturn(List<String> rows) {
    return rows.stream()
        .mapToDouble(r -> Double.parseDouble(r.split(",")[2]))
        .average()
        .orElseThrow();
  }
}
