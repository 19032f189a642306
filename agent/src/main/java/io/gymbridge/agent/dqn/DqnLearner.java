package io.gymbridge.agent.dqn;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.gymbridge.agent.replay.Batch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The DQN learner: an online and a target {@link QNetwork}, {@link Adam}, and the train step. It
 * only learns; sampling, exploration and schedules live elsewhere. The train step is one native
 * call ({@link UpdateKernel}) in the learner's {@link Precision}, except for the fp32 MLP, whose
 * tiny layers run faster op by op from Java ({@link #train}). {@link #train} may open a {@code
 * GradientCollector}, of which the PyTorch engine allows one per JVM at a time.
 *
 * <p>Every NDArray a call creates lives in an {@link NDScope} that closes before the call returns:
 * only the parameters and Adam's moments persist. Not thread-safe: call from one thread at a time
 * (any thread).
 */
public final class DqnLearner implements AutoCloseable {
  /** The checkpoint file that {@link #save} writes into its directory (NumPy .npz). */
  public static final String CHECKPOINT_FILE = "dqn-learner.npz";

  private final LearnerConfig config;
  private final long[] obsShape;
  private final int obsSize;
  private final boolean uint8;
  private final int numActions;
  private final NDManager manager;
  private final QNetwork online;
  private final QNetwork target;
  private final Adam adam;
  private final Precision.Choice precision;
  private final UpdateKernel.Switches switches;
  private final LossScale lossScale;
  private final boolean opByOp;
  private long trainSteps;

  /** A learner for float32 vector observations of {@code obsSize} elements (an MLP). */
  public DqnLearner(LearnerConfig config, int obsSize, int numActions, Device device) {
    this(config, new long[] {obsSize}, false, numActions, device);
  }

  /**
   * Builds both networks (the target a copy of the online one) on {@code device}. Seeded by {@code
   * config.seed()}.
   *
   * @param obsShape the observation shape of one env
   * @param uint8 observations are uint8 (pixels; the network scales them to [0, 1]), else float32
   */
  public DqnLearner(
      LearnerConfig config, long[] obsShape, boolean uint8, int numActions, Device device) {
    this.config = config;
    this.obsShape = obsShape.clone();
    this.obsSize = Math.toIntExact(Arrays.stream(obsShape).reduce(1, (a, b) -> a * b));
    this.uint8 = uint8;
    this.numActions = numActions;
    if (uint8 != (config.network() == LearnerConfig.Network.NATURE_CNN)) {
      throw new IllegalArgumentException(
          "network "
              + config.network()
              + " does not take "
              + (uint8 ? "uint8" : "float32")
              + " observations: the MLP takes float32 vectors, the Nature CNN uint8 images");
    }
    this.precision = Precision.resolve(config.precision(), device, config.network());
    this.switches =
        new UpdateKernel.Switches(
            uint8,
            config.dueling(),
            config.doubleDqn(),
            config.loss() == TdLoss.HUBER,
            precision.precision(),
            config.forkTarget());
    this.lossScale = new LossScale(precision.precision());
    this.opByOp = !uint8 && precision.precision() == Precision.FP32 && !config.forkTarget();
    this.manager = NDManager.newBaseManager(device);
    try {
      online = newNetwork();
      target = newNetwork();
      target.freeze();
      target.copyFrom(online);
      adam = new Adam(online.parameterArrays(), config.learningRate(), config.adamEps());
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  private QNetwork newNetwork() {
    return config.network() == LearnerConfig.Network.MLP
        ? new QNetwork(
            manager, obsSize, numActions, config.hiddenSizes(), config.dueling(), config.seed())
        : QNetwork.natureCnn(manager, obsShape, numActions, config.dueling(), config.seed());
  }

  /** The GPU when the engine sees one ({@code Device.gpu()}, i.e. cuda:0), else the CPU. */
  public static Device chooseDevice() {
    return Engine.getInstance().getGpuCount() > 0 ? Device.gpu() : Device.cpu();
  }

  /**
   * One line for the console, e.g. {@code cpu() - PyTorch 2.7.1 on CPU, 1 intra-op thread(s), 1
   * inter-op thread(s)}.
   */
  public static String describe(Device device) {
    Engine engine = Engine.getInstance();
    String what =
        device.isGpu()
            ? "GPU " + device.getDeviceId() + " of " + engine.getGpuCount()
            : "CPU, "
                + Torch.intraOpThreads()
                + " intra-op thread(s), "
                + Torch.interOpThreads()
                + " inter-op thread(s)";
    return device + " - " + engine.getEngineName() + " " + engine.getVersion() + " on " + what;
  }

  /**
   * What this learner computes in, and why; with the TD target beside the update when it is, e.g.
   * {@code precision fp32 (auto: the CPU has neither AVX-512 BF16 nor AMX), TD target on the
   * inter-op thread}.
   */
  public String describePrecision() {
    return "precision "
        + precision
        + (config.forkTarget() ? ", TD target on the inter-op thread" : "");
  }

  /** The precision this learner runs in ({@link Precision#AUTO} resolved). */
  public Precision precision() {
    return precision.precision();
  }

  /**
   * Floating-point operations of one update of {@code batch} transitions, counted as PyTorch's
   * FlopCounterMode counts them (2 per multiply-add of the Linear and Conv2d layers): the online
   * network's forward pass on s, its backward pass (twice the forward's work, less the first
   * layer's input gradient, which nothing needs) and the forward passes on s' for the TD target
   * (the target network's, and with Double DQN the online one's). bench-learner divides it by the
   * update's time, to show how much of the hardware an update uses.
   */
  public long flopsPerUpdate(int batch) {
    long[] layers = online.forwardMacsPerLayer();
    long forward = Arrays.stream(layers).sum();
    long backward = 2 * forward - layers[0];
    long target = (config.doubleDqn() ? 2 : 1) * forward;
    return 2L * batch * (forward + backward + target);
  }

  /** The argmax-Q action of each of {@code n} observations ({@code obs} is [n * obsSize]). */
  public int[] greedyActions(float[] obs, int n) {
    checkLength("obs", obs.length, n, obsSize);
    Torch.noGrad();
    try (NDScope scope = new NDScope()) {
      return argMax(online.forward(observations(obs, n), precision.precision()), n);
    }
  }

  /** As {@link #greedyActions(float[], int)} for uint8 observations (pixels). */
  public int[] greedyActions(byte[] obs, int n) {
    checkLength("obs", obs.length, n, obsSize);
    Torch.noGrad();
    try (NDScope scope = new NDScope()) {
      return argMax(online.forward(observations(obs, n), precision.precision()), n);
    }
  }

  private static int[] argMax(NDArray q, int n) {
    long[] best = q.argMax(1).toLongArray();
    int[] actions = new int[n];
    for (int i = 0; i < n; i++) {
      actions[i] = (int) best[i];
    }
    return actions;
  }

  /** Online Q-values of {@code n} observations, row-major [n * numActions]. */
  public float[] qValues(float[] obs, int n) {
    checkLength("obs", obs.length, n, obsSize);
    Torch.noGrad();
    try (NDScope scope = new NDScope()) {
      return online.forward(observations(obs, n), precision.precision()).toFloatArray();
    }
  }

  /**
   * One gradient step on {@code batch}, then the target update when it is due. The TD target is
   * {@code r + discount * Q_target(s', a')} with {@code a' = argmax Q_online(s')} (Double DQN) or
   * {@code argmax Q_target(s')}; no gradient flows through it.
   */
  public TrainResult train(Batch batch) {
    checkBatch(batch);
    Torch.noGrad();
    try (NDScope scope = new NDScope()) {
      int n = batch.size();
      UpdateKernel.Inputs in =
          new UpdateKernel.Inputs(
              batch.isBytes() ? observations(batch.obsBytes(), n) : observations(batch.obs(), n),
              batch.isBytes()
                  ? observations(batch.nextObsBytes(), n)
                  : observations(batch.nextObs(), n),
              manager.create(toLongs(batch.actions())),
              manager.create(batch.rewards()),
              manager.create(batch.discounts()),
              manager.create(batch.weights()));
      TrainResult result = opByOp ? trainOpByOp(in) : trainInOneCall(in);
      trainSteps++;
      if (trainSteps % config.targetUpdateInterval() == 0) {
        target.blendFrom(online, config.tau());
      }
      return result;
    }
  }

  /** The update as one TorchScript call, in the learner's precision. */
  private TrainResult trainInOneCall(UpdateKernel.Inputs in) {
    UpdateKernel.Outcome out;
    Torch.gradMode(true); // the kernel records Q(s, a) for its backward pass
    try {
      out =
          UpdateKernel.instance()
              .update(
                  online.parameterArrays(),
                  target.parameterArrays(),
                  adam,
                  in,
                  switches,
                  lossScale.value(),
                  config.maxGradNorm());
    } finally {
      Torch.noGrad();
    }
    boolean stepped =
        switches.precision() != Precision.FP16 || Float.isFinite(out.gradNorm().getFloat());
    if (stepped) {
      adam.stepTaken();
    }
    lossScale.update(stepped);
    return new TrainResult(
        out.loss().getFloat(), out.meanQ().getFloat(), out.tdErrors().toFloatArray());
  }

  /**
   * The same update for the fp32 MLP, op by op from Java, then the backward pass, clipping and Adam
   * in one call ({@link UpdateKernel#minimize}): for tiny layers faster than the whole update in
   * TorchScript (see {@link QNetwork#forwardOpByOp}). {@code DqnLearnerTest} checks that both
   * routes take the same steps.
   */
  private TrainResult trainOpByOp(UpdateKernel.Inputs in) {
    NDArray nextQ = target.forwardOpByOp(in.nextObs());
    NDArray nextValue =
        config.doubleDqn()
            ? nextQ.gather(online.forwardOpByOp(in.nextObs()).argMax(1).expandDims(1), 1).squeeze(1)
            : nextQ.max(new int[] {1});
    NDArray tdTarget = in.rewards().add(in.discounts().mul(nextValue));
    NDArray q;
    NDArray tdError;
    NDArray loss;
    try (GradientCollector tape = Engine.getInstance().newGradientCollector()) {
      q = online.forwardOpByOp(in.obs()).gather(in.actions().expandDims(1), 1).squeeze(1);
      tdError = q.sub(tdTarget);
      loss = config.loss().elementwise(tdError).mul(in.weights()).mean();
    }
    Torch.noGrad(); // the collector leaves it on where it found it on
    UpdateKernel.instance().minimize(loss, online.parameterArrays(), adam, config.maxGradNorm());
    adam.stepTaken();
    return new TrainResult(loss.getFloat(), q.mean().getFloat(), tdError.toFloatArray());
  }

  /**
   * Writes the online and target parameters, Adam's state and the train-step counter to {@code
   * dir}/{@value #CHECKPOINT_FILE}, atomically ({@link LearnerCheckpoint}).
   */
  public void save(Path dir) throws IOException {
    LearnerCheckpoint.save(this, dir);
  }

  /**
   * Restores a {@link #save}d state in place: both networks, Adam, the train-step counter. Checks
   * every array first, so a checkpoint of another architecture changes nothing and throws.
   */
  public void load(Path dir) throws IOException {
    trainSteps = LearnerCheckpoint.load(this, dir);
  }

  private NDArray observations(float[] obs, int n) {
    if (uint8) {
      throw new IllegalArgumentException("this learner takes uint8 observations, got float32");
    }
    return manager.create(obs, batchShape(n));
  }

  /** uint8 observations go to the device as bytes; the network scales them there. */
  private NDArray observations(byte[] obs, int n) {
    if (!uint8) {
      throw new IllegalArgumentException("this learner takes float32 observations, got uint8");
    }
    return manager.create(ByteBuffer.wrap(obs), batchShape(n), DataType.UINT8);
  }

  private Shape batchShape(int n) {
    long[] s = new long[obsShape.length + 1];
    s[0] = n;
    System.arraycopy(obsShape, 0, s, 1, obsShape.length);
    return new Shape(s);
  }

  private static long[] toLongs(int[] values) {
    long[] out = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }

  private void checkBatch(Batch b) {
    if (b.obsSize() != obsSize) {
      throw new IllegalArgumentException(
          "batch obsSize " + b.obsSize() + " but the learner was built for " + obsSize);
    }
    int n = b.size();
    if (b.isBytes() != uint8) {
      throw new IllegalArgumentException(
          "batch holds "
              + (b.isBytes() ? "uint8" : "float32")
              + " observations, this learner "
              + (uint8 ? "uint8" : "float32"));
    }
    checkLength("obs", b.isBytes() ? b.obsBytes().length : b.obs().length, n, obsSize);
    checkLength("nextObs", b.isBytes() ? b.nextObsBytes().length : b.nextObs().length, n, obsSize);
    checkLength("actions", b.actions().length, n, 1);
    checkLength("rewards", b.rewards().length, n, 1);
    checkLength("discounts", b.discounts().length, n, 1);
    checkLength("weights", b.weights().length, n, 1);
    for (int a : b.actions()) {
      if (a < 0 || a >= numActions) {
        throw new IllegalArgumentException("action " + a + " outside [0, " + numActions + ")");
      }
    }
  }

  private static void checkLength(String what, int length, int n, int per) {
    if (n < 1 || length != (long) n * per) {
      throw new IllegalArgumentException(
          what + " has " + length + " values, expected " + n + " x " + per);
    }
  }

  /** Train steps done (restored by {@link #load}). */
  public long trainSteps() {
    return trainSteps;
  }

  public Device device() {
    return manager.getDevice();
  }

  public LearnerConfig config() {
    return config;
  }

  public int obsSize() {
    return obsSize;
  }

  public int numActions() {
    return numActions;
  }

  QNetwork online() {
    return online;
  }

  QNetwork target() {
    return target;
  }

  Adam adam() {
    return adam;
  }

  LossScale lossScale() {
    return lossScale;
  }

  NDManager manager() {
    return manager;
  }

  /** Frees all native memory (parameters, optimizer state). */
  @Override
  public void close() {
    manager.close();
  }
}
