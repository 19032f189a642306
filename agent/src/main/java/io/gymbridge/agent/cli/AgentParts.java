package io.gymbridge.agent.cli;

import ai.djl.Device;
import io.gymbridge.agent.dqn.DqnLearner;
import io.gymbridge.agent.dqn.LearnerConfig;
import io.gymbridge.agent.replay.FrameReplay;
import io.gymbridge.agent.replay.PrioritizedReplay;
import io.gymbridge.agent.replay.Replay;
import io.gymbridge.agent.replay.UniformReplay;
import io.gymbridge.agent.train.TrainConfig;
import io.gymbridge.client.BatchedEnv;
import io.gymbridge.client.ObsType;
import java.util.Arrays;

/** Builds the learner and the replay that a {@link TrainConfig} describes for an env. */
final class AgentParts {
  private AgentParts() {}

  static DqnLearner learner(TrainConfig c, BatchedEnv env, Device device) {
    checkSupported(env);
    boolean images = images(env);
    LearnerConfig learner = c.learnerConfig(images);
    DjlSetup.setThreadsFor(learner.network() == LearnerConfig.Network.NATURE_CNN);
    return new DqnLearner(
        learner,
        env.observationShape(),
        env.observationType() == ObsType.UINT8,
        env.numActions(),
        device);
  }

  /**
   * uint8 observations of shape [C, H, W] are image stacks: C frames of H x W, stored once each by
   * a {@link FrameReplay}; everything else is a vector stored per transition.
   */
  static boolean images(BatchedEnv env) {
    long[] s = env.observationShape();
    return env.observationType() == ObsType.UINT8 && s.length == 3 && s[0] < s[1] && s[0] < s[2];
  }

  /** Refuses observations that are neither float32 vectors nor uint8 image stacks, with advice. */
  static void checkSupported(BatchedEnv env) {
    if (env.observationType() != ObsType.FLOAT32 && !images(env)) {
      throw new IllegalArgumentException(
          "uint8 observations of shape "
              + Arrays.toString(env.observationShape())
              + " are not supported: the agent takes float32 vectors or channel-first uint8 image"
              + " stacks [C, H, W]. For Atari, use the server's DQN preprocessing (84x84 gray,"
              + " stack of 4): --preset atari or atari-fast, or --set"
              + " 'envKwargs={\"preprocessing\":\"nature\"}'");
    }
  }

  static Replay replay(TrainConfig c, BatchedEnv env) {
    checkSupported(env);
    long seed = c.seed() * 31 + 7;
    if (images(env)) {
      long[] shape = env.observationShape();
      return new FrameReplay(
          c.bufferSize(),
          env.numEnvs(),
          (int) shape[0],
          Math.toIntExact(shape[1] * shape[2]),
          c.nStep(),
          c.gamma(),
          c.prioritized() ? c.priorityAlpha() : 0,
          PrioritizedReplay.DEFAULT_EPSILON,
          seed);
    }
    int obsSize = env.observationSize();
    return c.prioritized()
        ? new PrioritizedReplay(
            c.bufferSize(), obsSize, c.priorityAlpha(), c.priorityBetaStart(), seed)
        : new UniformReplay(c.bufferSize(), obsSize, seed);
  }
}
