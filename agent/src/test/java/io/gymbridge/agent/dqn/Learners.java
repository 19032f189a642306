package io.gymbridge.agent.dqn;

import io.gymbridge.agent.train.ConfigLoader;
import io.gymbridge.agent.train.TrainConfig;
import java.util.function.UnaryOperator;

/**
 * Learner configs for tests, derived as a run derives them: from a {@link TrainConfig}. The base is
 * the cleanrl preset, whose learner values (CleanRL dqn.py: a 120-84 MLP, MSE, vanilla targets, no
 * gradient clipping, Adam 2.5e-4, a hard target copy every 50 train steps) these tests were written
 * against.
 */
final class Learners {
  /** The cleanrl preset. */
  static final TrainConfig CLEANRL = new ConfigLoader().preset("cleanrl").build();

  private Learners() {}

  /** CleanRL's learner with {@code changes}, for float32 vectors (the MLP). */
  static LearnerConfig mlp(UnaryOperator<TrainConfig.Builder> changes) {
    return changes.apply(CLEANRL.toBuilder()).build().learnerConfig(false);
  }

  /** CleanRL's learner with {@code changes}, for uint8 images (the Nature CNN). */
  static LearnerConfig cnn(UnaryOperator<TrainConfig.Builder> changes) {
    return changes.apply(CLEANRL.toBuilder()).build().learnerConfig(true);
  }

  /** A hard copy of the online network every {@code interval} train steps. */
  static TrainConfig.Builder hardTargetUpdate(TrainConfig.Builder b, int interval) {
    return b.set(TrainConfig.TARGET_UPDATE_INTERVAL, interval).set(TrainConfig.TAU, 1.0);
  }
}
