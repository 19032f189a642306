package io.gymbridge.agent.dqn;

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
        LearnerConfig.builder()
            .hiddenSizes(List.of(32, 32))
            .dueling(true)
            .doubleDqn(true)
            .loss(TdLoss.HUBER)
            .maxGradNorm(10)
            .targetUpdateInterval(7)
            .tau(0.5)
            .build();
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
