package io.gymbridge.agent.dqn;

import static io.gymbridge.agent.train.TrainConfig.DOUBLE_DQN;
import static io.gymbridge.agent.train.TrainConfig.DUELING;
import static io.gymbridge.agent.train.TrainConfig.HIDDEN_SIZES;
import static io.gymbridge.agent.train.TrainConfig.HUBER_LOSS;
import static io.gymbridge.agent.train.TrainConfig.MAX_GRAD_NORM;
import static io.gymbridge.agent.train.TrainConfig.TARGET_UPDATE_INTERVAL;
import static io.gymbridge.agent.train.TrainConfig.TAU;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import io.gymbridge.agent.replay.Batch;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DqnLearnerMemoryTest {
  @TempDir Path dir;

  private static int liveArrays() {
    // every base manager is a sub-manager of the engine's system manager; this counts them all
    try (NDManager probe = NDManager.newBaseManager()) {
      return ((BaseNDManager) probe.getParentManager()).getManagedArrays().size();
    }
  }

  @Test
  void liveArrayCountStaysFlatOver2000TrainSteps() throws IOException {
    LearnerConfig config =
        Learners.mlp(
            b ->
                b.set(HIDDEN_SIZES, List.of(32, 32))
                    .set(DUELING, true)
                    .set(DOUBLE_DQN, true)
                    .set(HUBER_LOSS, true)
                    .set(MAX_GRAD_NORM, 10.0)
                    .set(TARGET_UPDATE_INTERVAL, 7)
                    .set(TAU, 0.5));
    SplittableRandom rng = new SplittableRandom(1);
    Batch[] batches = new Batch[8];
    for (int i = 0; i < batches.length; i++) {
      batches[i] = Batches.random(rng, 32, 4, 3, 0.99f);
    }
    try (DqnLearner l = new DqnLearner(config, 4, 3, Device.cpu())) {
      l.train(batches[0]);
      l.save(dir);
      l.load(dir);
      int base = liveArrays();
      int learner = ((BaseNDManager) l.manager()).getManagedArrays().size();
      // 4 Linear layers (2 hidden, value, advantage) x 2 x (online, target, Adam m, Adam v)
      assertEquals(4 * 2 * 4, learner);
      for (int i = 0; i < 2000; i++) {
        l.train(batches[i % batches.length]);
        l.greedyActions(batches[0].obs(), 32);
        l.qValues(java.util.Arrays.copyOf(batches[1].obs(), 8 * 4), 8);
        if (i % 500 == 0) {
          l.save(dir);
          l.load(dir);
        }
      }
      assertEquals(base, liveArrays());
      assertEquals(learner, ((BaseNDManager) l.manager()).getManagedArrays().size());
    }
  }
}
