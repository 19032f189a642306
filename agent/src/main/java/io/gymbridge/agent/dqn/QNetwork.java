package io.gymbridge.agent.dqn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A Q-network's parameters, laid out by a DJL {@link SequentialBlock}, for one of two
 * architectures:
 *
 * <ul>
 *   <li>MLP, for vector observations ({@link #QNetwork(NDManager, int, int, List, boolean, long)}):
 *       Linear+ReLU per hidden layer, then either a Linear head with one output per action or a
 *       dueling head: a value stream {@code V} (Linear to 1) and an advantage stream {@code A}
 *       (Linear to numActions) on the last hidden layer, joined as {@code Q = V + A - mean_a(A)}.
 *   <li>The Nature CNN, for pixels ({@link #natureCnn}), as Mnih et al. (2015) and CleanRL's
 *       dqn_atari.py: uint8 input [n, C, H, W] scaled to [0, 1] inside the network (so frames cross
 *       to the device as bytes), Conv 32 8x8 stride 4, Conv 64 4x4 stride 2, Conv 64 3x3 stride 1,
 *       each with ReLU, Linear 512 + ReLU, Linear to numActions. Dueling (Wang et al. 2016): the
 *       convolutions are shared and each stream has its own Linear 512 + ReLU.
 * </ul>
 *
 * <p>Seeding: DJL's only seed is {@code Engine.getInstance().setRandomSeed(int)}, which seeds
 * {@code torch.manual_seed} (and DJL's Java RandomUtils): one global generator for the process,
 * every manager and thread, advanced by any random op anywhere. No NDManager has a generator of its
 * own. So the block is initialized with zeros (consuming no engine randomness) and then every
 * Linear layer is filled from a {@code SplittableRandom(seed)}, in layer order, weight (row-major)
 * then bias, each from {@code U(-1/sqrt(fanIn), 1/sqrt(fanIn))} - the distribution of PyTorch's
 * default {@code nn.Linear} init, though not its values. The weights depend only on the seed and
 * the architecture, on any device.
 *
 * <p>The block defines the parameters: their shapes, order and names (the checkpoint keys). The
 * forward pass runs through {@link UpdateKernel}'s TorchScript, one native call in any {@link
 * Precision}, the same code the update differentiates, except for the fp32 MLP, which runs op by op
 * through the block (faster for tiny layers; see {@link #forwardOpByOp}).
 *
 * <p>Parameter arrays are created once and only ever changed in place (updates, copies, loads), so
 * references held by the optimizer and the {@link ParameterStore} never go stale. Forward results
 * belong to the caller: run {@link #forward} inside an {@link NDScope}. Not thread-safe.
 */
public final class QNetwork {
  private static final NDIndex ALL = new NDIndex("...");

  private final int obsSize;
  private final int numActions;
  private final SequentialBlock block = new SequentialBlock();
  private final List<Block> layers = new ArrayList<>(); // Linear and Conv2d, in block order
  private final List<Parameter> parameters;
  private final boolean cnn;
  private final boolean dueling;
  private final ParameterStore store;

  /** Builds and initializes the network's parameters on {@code manager}'s device. */
  public QNetwork(
      NDManager manager,
      int obsSize,
      int numActions,
      List<Integer> hiddenSizes,
      boolean dueling,
      long seed) {
    this(
        manager,
        new long[] {obsSize},
        numActions,
        seed,
        false,
        dueling,
        net -> net.mlp(hiddenSizes, dueling));
  }

  /**
   * The Nature CNN for uint8 observations of shape {@code [C, H, W]} (e.g. a stack of 4 84x84
   * frames); H and W must be at least 36 for the three convolutions.
   */
  public static QNetwork natureCnn(
      NDManager manager, long[] obsShape, int numActions, boolean dueling, long seed) {
    if (obsShape.length != 3 || obsShape[1] < 36 || obsShape[2] < 36) {
      throw new IllegalArgumentException(
          "the Nature CNN takes observations [channels, height, width] with height and width >="
              + " 36, got "
              + Arrays.toString(obsShape));
    }
    return new QNetwork(
        manager, obsShape, numActions, seed, true, dueling, net -> net.cnn(dueling));
  }

  private QNetwork(
      NDManager manager,
      long[] obsShape,
      int numActions,
      long seed,
      boolean cnn,
      boolean dueling,
      Consumer<QNetwork> architecture) {
    long size = 1;
    for (long d : obsShape) {
      size *= d;
    }
    if (size < 1 || size > Integer.MAX_VALUE || numActions < 1) {
      throw new IllegalArgumentException(
          "observation size and numActions must be >= 1, got "
              + Arrays.toString(obsShape)
              + ", "
              + numActions);
    }
    this.obsSize = (int) size;
    this.numActions = numActions;
    this.cnn = cnn;
    this.dueling = dueling;
    architecture.accept(this);
    block.setInitializer(new ConstantInitializer(0f), p -> true);
    Torch.noGrad();
    long[] input = new long[obsShape.length + 1];
    input[0] = 1;
    System.arraycopy(obsShape, 0, input, 1, obsShape.length);
    block.initialize(manager, DataType.FLOAT32, new Shape(input));
    parameters = List.copyOf(block.getParameters().values());
    for (Parameter p : parameters) {
      NDScope.unregister(p.getArray()); // live as long as the manager, even if built in a scope
    }
    initialize(manager, new SplittableRandom(seed));
    store = new ParameterStore(manager, false);
  }

  private void mlp(List<Integer> hiddenSizes, boolean dueling) {
    for (int h : hiddenSizes) {
      block.add(linear(h)).add(Activation.reluBlock());
    }
    if (dueling) {
      block.add(new ParallelBlock(QNetwork::dueling, List.of(linear(1), linear(numActions))));
    } else {
      block.add(linear(numActions));
    }
  }

  private void cnn(boolean dueling) {
    // uint8 in, float in [0, 1] out, on the device: frames cross to it as bytes. The CNN's forward
    // pass is UpdateKernel's; this step stays so that the parameter names (checkpoint keys) keep
    // their block positions.
    block.add(x -> new NDList(x.singletonOrThrow().toType(DataType.FLOAT32, false).div(255f)));
    block
        .add(conv(32, 8, 4))
        .add(Activation.reluBlock())
        .add(conv(64, 4, 2))
        .add(Activation.reluBlock())
        .add(conv(64, 3, 1))
        .add(Activation.reluBlock())
        .add(Blocks.batchFlattenBlock());
    if (dueling) {
      Block value = hidden512().add(linear(1));
      Block advantage = hidden512().add(linear(numActions));
      block.add(new ParallelBlock(QNetwork::dueling, List.of(value, advantage)));
    } else {
      block.add(linear(512)).add(Activation.reluBlock()).add(linear(numActions));
    }
  }

  private SequentialBlock hidden512() {
    return new SequentialBlock().add(linear(512)).add(Activation.reluBlock());
  }

  private Linear linear(int units) {
    Linear l = Linear.builder().setUnits(units).build();
    layers.add(l);
    return l;
  }

  private Conv2d conv(int filters, int kernel, int stride) {
    Conv2d c =
        Conv2d.builder()
            .setFilters(filters)
            .setKernelShape(new Shape(kernel, kernel))
            .optStride(new Shape(stride, stride))
            .build();
    layers.add(c);
    return c;
  }

  private static NDList dueling(List<NDList> streams) {
    NDArray value = streams.get(0).singletonOrThrow();
    NDArray advantage = streams.get(1).singletonOrThrow();
    return new NDList(value.add(advantage.sub(advantage.mean(new int[] {1}, true))));
  }

  private void initialize(NDManager manager, SplittableRandom random) {
    try (NDScope scope = new NDScope()) {
      for (Block l : layers) {
        NDArray w = l.getParameters().get("weight").getArray();
        NDArray b = l.getParameters().get("bias").getArray();
        double bound = 1 / Math.sqrt((double) w.size() / w.getShape().get(0));
        w.set(ALL, manager.create(uniform(random, w.size(), bound), w.getShape()));
        b.set(ALL, manager.create(uniform(random, b.size(), bound), b.getShape()));
      }
    }
  }

  /**
   * Multiply-adds of one observation's forward pass through each Linear and Conv2d layer, in block
   * order: a layer's weights times the positions its output has (1 for a Linear layer, the output's
   * height times width for a convolution), from the shapes the layers were initialized with.
   */
  public long[] forwardMacsPerLayer() {
    long[] macs = new long[layers.size()];
    for (int i = 0; i < macs.length; i++) {
      Block l = layers.get(i);
      Shape out = l.getOutputShapes(l.getInputShapes())[0];
      long positions = 1;
      for (int d = 2; d < out.dimension(); d++) {
        positions *= out.get(d);
      }
      macs[i] = l.getParameters().get("weight").getArray().size() * positions;
    }
    return macs;
  }

  private static float[] uniform(SplittableRandom random, long n, double bound) {
    float[] v = new float[Math.toIntExact(n)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) random.nextDouble(-bound, bound);
    }
    return v;
  }

  /** {@link #forward(NDArray, Precision)} in fp32. */
  public NDArray forward(NDArray obs) {
    return forward(obs, Precision.FP32);
  }

  /**
   * Q-values {@code [n, numActions]}, fp32, for observations {@code [n, ...obsShape]} (float32 for
   * an MLP, uint8 for the CNN), computed in {@code precision} ({@link Precision#FP32}, {@link
   * Precision#BF16} or {@link Precision#FP16}) without autograd; the result lives until the
   * enclosing scope closes. The fp32 MLP runs {@link #forwardOpByOp op by op}, everything else in
   * {@link UpdateKernel}'s TorchScript.
   */
  public NDArray forward(NDArray obs, Precision precision) {
    if (!cnn && precision == Precision.FP32) {
      return forwardOpByOp(obs);
    }
    return UpdateKernel.instance().qValues(parameterArrays(), obs, cnn, dueling, precision);
  }

  /**
   * The forward pass through the DJL block, op by op from Java; records a graph inside a
   * GradientCollector. The fp32 MLP's route: for CartPole's layers each TorchScript call costs more
   * than the work (an update 2.2 ms against 1.4 ms, an action pick for 16 envs 0.20 against 0.08
   * ms). {@code QNetworkTest} keeps it equal to the TorchScript forward pass.
   */
  NDArray forwardOpByOp(NDArray obs) {
    return block.forward(store, new NDList(obs), false).singletonOrThrow();
  }

  /** Whether this is the Nature CNN (uint8 images) rather than an MLP (float32 vectors). */
  boolean isCnn() {
    return cnn;
  }

  /** Whether the head is dueling (a value and an advantage stream). */
  boolean isDueling() {
    return dueling;
  }

  /** The parameter arrays, in block order (stable for an architecture); live, not copies. */
  public List<NDArray> parameterArrays() {
    List<NDArray> arrays = new ArrayList<>(parameters.size());
    for (Parameter p : parameters) {
      arrays.add(p.getArray());
    }
    return arrays;
  }

  /** Parameter names in block order, e.g. {@code 01Linear_weight}; keys in checkpoints. */
  public List<String> parameterNames() {
    return List.copyOf(block.getParameters().keys());
  }

  /** Stops gradients for these parameters (the target network). */
  void freeze() {
    block.freezeParameters(true);
  }

  /** Bit-exact in-place copy of {@code src}'s parameters (same architecture). */
  public void copyFrom(QNetwork src) {
    Torch.noGrad();
    List<NDArray> from = src.parameterArrays();
    List<NDArray> to = parameterArrays();
    for (int i = 0; i < to.size(); i++) {
      to.get(i).set(ALL, from.get(i));
    }
  }

  /**
   * In place {@code this = tau * src + (1 - tau) * this}; {@code tau = 1} is {@link #copyFrom}.
   * Turns autograd off on this thread.
   */
  public void blendFrom(QNetwork src, double tau) {
    if (tau == 1) {
      copyFrom(src);
      return;
    }
    Torch.noGrad();
    List<NDArray> from = src.parameterArrays();
    List<NDArray> to = parameterArrays();
    try (NDScope scope = new NDScope()) {
      for (int i = 0; i < to.size(); i++) {
        to.get(i).muli((float) (1 - tau)).addi(from.get(i).mul((float) tau));
      }
    }
  }

  /** Test hook: sets Linear layer {@code layer} (block order) to row-major {@code weight}, bias. */
  void setLinear(int layer, float[] weight, float[] bias) {
    Block l = layers.get(layer);
    NDArray w = l.getParameters().get("weight").getArray();
    NDArray b = l.getParameters().get("bias").getArray();
    Torch.noGrad();
    try (NDScope scope = new NDScope()) {
      w.set(ALL, w.getManager().create(weight, w.getShape()));
      b.set(ALL, b.getManager().create(bias, b.getShape()));
    }
  }

  public int obsSize() {
    return obsSize;
  }

  public int numActions() {
    return numActions;
  }
}
