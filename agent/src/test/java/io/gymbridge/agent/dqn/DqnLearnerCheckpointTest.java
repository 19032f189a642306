package io.gymbridge.agent.dqn;

import static io.gymbridge.agent.dqn.DqnLearnerTest.assertBitEqual;
import static io.gymbridge.agent.train.TrainConfig.DOUBLE_DQN;
import static io.gymbridge.agent.train.TrainConfig.DUELING;
import static io.gymbridge.agent.train.TrainConfig.HIDDEN_SIZES;
import static io.gymbridge.agent.train.TrainConfig.SEED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import io.gymbridge.agent.replay.Batch;
import io.gymbridge.agent.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DqnLearnerCheckpointTest {
  private static final LearnerConfig CONFIG = config(b -> b);

  private static LearnerConfig config(UnaryOperator<TrainConfig.Builder> changes) {
    return Learners.mlp(
        b ->
            changes.apply(
                Learners.hardTargetUpdate(b, 3)
                    .set(HIDDEN_SIZES, List.of(16, 16))
                    .set(DUELING, true)
                    .set(DOUBLE_DQN, true)));
  }

  @TempDir Path dir;

  @Test
  void loadReproducesQValuesAndTheNextTrainStepExactly() throws IOException {
    SplittableRandom rng = new SplittableRandom(1);
    Batch next = Batches.random(new SplittableRandom(99), 32, 4, 2, 0.99f);
    float[] probe = Batches.random(new SplittableRandom(98), 20, 4, 2, 0).obs();
    try (DqnLearner a = new DqnLearner(CONFIG, 4, 2, Device.cpu());
        DqnLearner b = new DqnLearner(config(c -> c.set(SEED, 2L)), 4, 2, Device.cpu())) {
      for (int i = 0; i < 5; i++) {
        a.train(Batches.random(rng, 32, 4, 2, 0.99f));
      }
      a.save(dir);
      b.load(dir);

      assertEquals(5, b.trainSteps());
      assertEquals(5, b.adam().steps());
      assertArrayEquals(a.qValues(probe, 20), b.qValues(probe, 20), 0f);
      assertBitEqual(QNetworkTest.values(a.target()), QNetworkTest.values(b.target()));

      // step 6 is a train step and a target copy on both
      TrainResult ra = a.train(next);
      TrainResult rb = b.train(next);
      assertEquals(ra.loss(), rb.loss(), 0f);
      assertEquals(ra.meanQ(), rb.meanQ(), 0f);
      assertArrayEquals(ra.tdErrors(), rb.tdErrors(), 0f);
      assertArrayEquals(a.qValues(probe, 20), b.qValues(probe, 20), 0f);
      assertBitEqual(QNetworkTest.values(a.target()), QNetworkTest.values(b.target()));
      assertBitEqual(QNetworkTest.values(a.online()), QNetworkTest.values(a.target()));
    }
  }

  @Test
  void saveReplacesTheCheckpointAndLeavesNoTemporaryFile() throws IOException {
    try (DqnLearner a = new DqnLearner(CONFIG, 4, 2, Device.cpu())) {
      a.save(dir);
      a.train(Batches.random(new SplittableRandom(3), 8, 4, 2, 0.99f));
      a.save(dir);
      try (Stream<Path> files = Files.list(dir)) {
        assertEquals(
            List.of(DqnLearner.CHECKPOINT_FILE),
            files.map(p -> p.getFileName().toString()).toList());
      }
      try (DqnLearner b = new DqnLearner(CONFIG, 4, 2, Device.cpu())) {
        b.load(dir);
        assertEquals(1, b.trainSteps());
      }
    }
  }

  @Test
  void loadingAnotherArchitectureThrowsAndChangesNothing() throws IOException {
    try (DqnLearner a = new DqnLearner(CONFIG, 4, 2, Device.cpu());
        DqnLearner wider =
            new DqnLearner(config(b -> b.set(HIDDEN_SIZES, List.of(16, 32))), 4, 2, Device.cpu())) {
      a.save(dir);
      float[][] before = QNetworkTest.values(wider.online());
      IOException e = assertThrows(IOException.class, () -> wider.load(dir));
      assertEquals(true, e.getMessage().contains("(32, 16)"), e.getMessage());
      assertBitEqual(before, QNetworkTest.values(wider.online()));
      assertEquals(0, wider.trainSteps());
    }
  }
}
