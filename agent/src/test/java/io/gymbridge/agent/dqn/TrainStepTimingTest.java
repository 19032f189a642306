package io.gymbridge.agent.dqn;

import ai.djl.Device;
import io.gymbridge.agent.replay.Batch;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Prints train-step and inference times; asserts nothing about speed. */
class TrainStepTimingTest {
  @Test
  void printsTrainStepTimeForAnMlp128x128Batch128() {
    LearnerConfig config = LearnerConfig.defaults().withHiddenSizes(List.of(128, 128));
    Batch batch = Batches.random(new SplittableRandom(1), 128, 4, 2, 0.99f);
    try (DqnLearner l = new DqnLearner(config, 4, 2, Device.cpu())) {
      for (int i = 0; i < 200; i++) {
        l.train(batch);
      }
      int steps = 1000;
      long t0 = System.nanoTime();
      for (int i = 0; i < steps; i++) {
        l.train(batch);
      }
      double trainMs = (System.nanoTime() - t0) / 1e6 / steps;
      float[] one = java.util.Arrays.copyOf(batch.obs(), 4);
      t0 = System.nanoTime();
      for (int i = 0; i < steps; i++) {
        l.greedyActions(one, 1);
      }
      double actMs = (System.nanoTime() - t0) / 1e6 / steps;
      System.out.printf(
          "DQN timing on %s: train step (MLP 4-128-128-2, batch 128, Adam) %.3f ms;"
              + " greedyActions(1 obs) %.3f ms%n",
          DqnLearner.describe(l.device()), trainMs, actMs);
    }
  }
}
