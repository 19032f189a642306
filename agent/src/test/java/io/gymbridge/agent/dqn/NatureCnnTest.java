package io.gymbridge.agent.dqn;

import static io.gymbridge.agent.train.TrainConfig.LEARNING_RATE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import io.gymbridge.agent.replay.Batch;
import io.gymbridge.agent.train.TrainConfig;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The Nature CNN: CleanRL's architecture and parameter count, PyTorch's init, the uint8 path. */
class NatureCnnTest {
  private static final long[] ATARI = {4, 84, 84};

  private static long parameters(QNetwork net) {
    return net.parameterArrays().stream().mapToLong(NDArray::size).sum();
  }

  @Test
  void hasCleanRlsLayersAndParameterCount() {
    try (NDManager m = NDManager.newBaseManager()) {
      QNetwork net = QNetwork.natureCnn(m, ATARI, 4, false, 1);
      List<Shape> shapes = net.parameterArrays().stream().map(NDArray::getShape).toList();
      assertEquals(
          List.of(
              new Shape(32, 4, 8, 8),
              new Shape(32),
              new Shape(64, 32, 4, 4),
              new Shape(64),
              new Shape(64, 64, 3, 3),
              new Shape(64),
              new Shape(512, 3136),
              new Shape(512),
              new Shape(4, 512),
              new Shape(4)),
          shapes);
      // torch: sum(p.numel() for p in QNetwork(envs).parameters()) in CleanRL's dqn_atari.py
      assertEquals(1_686_180, parameters(net));
      // Dueling: the convolutions shared, a 512-unit stream each for V (1) and A (4).
      QNetwork dueling = QNetwork.natureCnn(m, ATARI, 4, true, 1);
      assertEquals(1_686_180 - 2_052 + (3136 * 512 + 512 + 513) + 2_052, parameters(dueling));
    }
  }

  @Test
  void anUpdatesWorkIsCountedAsPyTorchCountsIt() {
    try (NDManager m = NDManager.newBaseManager()) {
      // conv 32x4x8x8 at 20x20, 64x32x4x4 at 9x9, 64x64x3x3 at 7x7, then 3136x512 and 512x4.
      assertArrayEquals(
          new long[] {3_276_800, 2_654_208, 1_806_336, 1_605_632, 2_048},
          QNetwork.natureCnn(m, ATARI, 4, false, 1).forwardMacsPerLayer());
    }
    // torch.utils.flop_counter.FlopCounterMode around the update of python/bench/bench_learner.py
    // (batch 32, 4 actions, Double DQN targets, loss.backward()), PyTorch 2.13: plain 2,780,692,480
    // and dueling 3,294,658,560 FLOPs.
    for (boolean dueling : new boolean[] {false, true}) {
      LearnerConfig c =
          Learners.cnn(b -> b.set(TrainConfig.DUELING, dueling).set(TrainConfig.DOUBLE_DQN, true));
      try (DqnLearner learner = new DqnLearner(c, ATARI, true, 4, Device.cpu())) {
        assertEquals(dueling ? 3_294_658_560L : 2_780_692_480L, learner.flopsPerUpdate(32));
      }
    }
    // Without Double DQN the TD target takes one forward pass on s', not two.
    LearnerConfig vanilla = Learners.cnn(b -> b.set(TrainConfig.DOUBLE_DQN, false));
    try (DqnLearner learner = new DqnLearner(vanilla, ATARI, true, 4, Device.cpu())) {
      long forward = 3_276_800 + 2_654_208 + 1_806_336 + 1_605_632 + 2_048;
      assertEquals(2_780_692_480L - 2L * 32 * forward, learner.flopsPerUpdate(32));
    }
  }

  @Test
  void initialWeightsFollowPyTorchsConvAndLinearBounds() {
    try (NDManager m = NDManager.newBaseManager()) {
      QNetwork net = QNetwork.natureCnn(m, ATARI, 6, false, 3);
      // fan-in: 4*8*8, 32*4*4, 64*3*3, 3136, 512 (weight and bias of each layer)
      double[] fanIn = {256, 256, 512, 512, 576, 576, 3136, 3136, 512, 512};
      List<NDArray> params = net.parameterArrays();
      for (int i = 0; i < params.size(); i++) {
        float[] w = params.get(i).toFloatArray();
        double bound = 1 / Math.sqrt(fanIn[i]);
        double sumSq = 0;
        for (float x : w) {
          assertTrue(Math.abs(x) <= bound, "parameter " + i + " value " + x + " > " + bound);
          sumSq += x * x;
        }
        if (w.length > 1000) {
          // U(-b, b) has standard deviation b / sqrt(3).
          assertEquals(bound / Math.sqrt(3), Math.sqrt(sumSq / w.length), 0.03 * bound);
        }
      }
    }
  }

  @Test
  void mapsUint8StacksToOneQValuePerActionScaledInsideTheNetwork() {
    try (NDManager m = NDManager.newBaseManager();
        NDScope scope = new NDScope()) {
      QNetwork net = QNetwork.natureCnn(m, ATARI, 4, false, 1);
      byte[] frames = new byte[2 * 4 * 84 * 84];
      new SplittableRandom(1).nextBytes(frames);
      Shape shape = new Shape(2, 4, 84, 84);
      NDArray q = net.forward(m.create(ByteBuffer.wrap(frames), shape, DataType.UINT8));
      assertEquals(new Shape(2, 4), q.getShape());
      // CleanRL's forward pass, written out with the network's own parameters on x / 255 in
      // float32: the bytes x give these Q-values only if the network divides them by 255 itself.
      float[] scaled = new float[frames.length];
      for (int i = 0; i < frames.length; i++) {
        scaled[i] = (frames[i] & 0xFF) / 255f;
      }
      List<NDArray> p = net.parameterArrays();
      NDArray h = m.create(scaled, shape);
      h = Activation.relu(Conv2d.conv2d(h, p.get(0), p.get(1), new Shape(4, 4)).singletonOrThrow());
      h = Activation.relu(Conv2d.conv2d(h, p.get(2), p.get(3), new Shape(2, 2)).singletonOrThrow());
      h = Activation.relu(Conv2d.conv2d(h, p.get(4), p.get(5), new Shape(1, 1)).singletonOrThrow());
      h = Activation.relu(Linear.linear(h.reshape(2, 3136), p.get(6), p.get(7)).singletonOrThrow());
      NDArray expected = Linear.linear(h, p.get(8), p.get(9)).singletonOrThrow();
      assertArrayEquals(expected.toFloatArray(), q.toFloatArray(), 1e-5f);
    }
  }

  @Test
  void refusesImagesTooSmallForTheThreeConvolutions() {
    try (NDManager m = NDManager.newBaseManager()) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> QNetwork.natureCnn(m, new long[] {4, 20, 20}, 4, false, 1));
      assertTrue(e.getMessage().contains(">= 36"), e.getMessage());
    }
  }

  @Test
  void aLearnerTakesUint8BatchesAndLearnsAFixedTarget() {
    LearnerConfig c =
        Learners.cnn(b -> Learners.hardTargetUpdate(b, 1000).set(LEARNING_RATE, 1e-3));
    long[] shape = {2, 36, 36};
    try (DqnLearner learner = new DqnLearner(c, shape, true, 3, Device.cpu())) {
      int n = 8;
      int size = 2 * 36 * 36;
      byte[] obs = new byte[n * size];
      new SplittableRandom(2).nextBytes(obs);
      int[] actions = {0, 1, 2, 0, 1, 2, 0, 1};
      float[] rewards = {1, -1, 0.5f, 1, -1, 0.5f, 1, -1};
      float[] zeros = new float[n];
      float[] ones = new float[n];
      java.util.Arrays.fill(ones, 1f);
      Batch b = Batch.ofBytes(n, size, obs, actions, rewards, obs, zeros, ones, new int[n]);
      float first = learner.train(b).loss();
      float last = first;
      for (int i = 0; i < 200; i++) {
        last = learner.train(b).loss();
      }
      // Terminal transitions: the target is the reward, so the loss goes towards 0.
      assertTrue(last < 0.05 * first, "loss " + first + " -> " + last);
      assertEquals(4, learner.greedyActions(new byte[4 * 2 * 36 * 36], 4).length);
      assertThrows(
          IllegalArgumentException.class, () -> learner.greedyActions(new float[2 * 36 * 36], 1));
    }
  }

  @Test
  void theMlpRefusesPixelsAndTheCnnRefusesVectors() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new DqnLearner(Learners.mlp(b -> b), ATARI, true, 4, Device.cpu()));
    assertTrue(e.getMessage().contains("does not take uint8"), e.getMessage());
  }
}
