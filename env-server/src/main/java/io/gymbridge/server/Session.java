package io.gymbridge.server;

import com.google.protobuf.ByteString;
import io.gymbridge.codec.InvalidValueException;
import io.gymbridge.codec.SpaceMembership;
import io.gymbridge.codec.Spaces;
import io.gymbridge.codec.Tensors;
import io.gymbridge.envs.RgbFrame;
import io.gymbridge.v1.DType;
import io.gymbridge.v1.OptionalSeed;
import io.gymbridge.v1.RenderResponse;
import io.gymbridge.v1.ResetRequest;
import io.gymbridge.v1.ResetResponse;
import io.gymbridge.v1.StepRequest;
import io.gymbridge.v1.StepResponse;
import io.gymbridge.v1.Tensor;
import io.gymbridge.v1.Value;
import io.gymbridge.v1.ValueMap;
import io.gymbridge.vector.VectorEnv;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * One client's vector env behind a session id: decodes requests, runs them on the {@link VectorEnv}
 * and encodes the batched results. Calls on one session are serialized by its lock; different
 * sessions run in parallel.
 */
final class Session {
  private final String id;
  private final EnvBudget.Charge charge;
  private final VectorEnv env;
  private final String renderMode;
  private final int maxMessageBytes;
  private final long[] obsShape;
  private final List<Long> obsShapeList;
  private final DType obsDtype;

  /**
   * The server's clock ({@link SessionRegistry}'s): what {@link #lastUsedNanos()} and the time each
   * reset and step took are read from.
   */
  private final LongSupplier clock;

  private volatile long lastUsedNanos;

  /**
   * How long this session's last reset and its last two steps took; unknown (as slow) before the
   * first. With the env's own {@link VectorEnv#costlyStep()} they decide whether its next call may
   * run inline on a gRPC event loop ({@link CallExecutor}).
   */
  private volatile long lastResetNanos = Long.MAX_VALUE;

  private volatile long lastStepNanos = Long.MAX_VALUE;
  private volatile long previousStepNanos = Long.MAX_VALUE;

  private boolean closed;

  Session(
      String id,
      VectorEnv env,
      String renderMode,
      int maxMessageBytes,
      EnvBudget.Charge charge,
      LongSupplier clock) {
    this.id = id;
    this.clock = clock;
    this.lastUsedNanos = clock.getAsLong();
    this.charge = charge;
    this.env = env;
    this.renderMode = renderMode;
    this.maxMessageBytes = maxMessageBytes;
    long[] single = Spaces.shape(env.observationSpace());
    this.obsShape = new long[single.length + 1];
    obsShape[0] = env.numEnvs();
    System.arraycopy(single, 0, obsShape, 1, single.length);
    this.obsShapeList = java.util.Arrays.stream(obsShape).boxed().toList();
    this.obsDtype = Spaces.dtype(env.observationSpace());
  }

  String id() {
    return id;
  }

  /** Its hold on the server's budget, released when it closes. */
  EnvBudget.Charge charge() {
    return charge;
  }

  long lastUsedNanos() {
    return lastUsedNanos;
  }

  /**
   * Whether its next step may run inline on an event loop: the env does not declare costly steps
   * and one of its last two steps took at most {@link CallExecutor#INLINE_LIMIT_NANOS}. Two, not
   * one: a step's time is wall-clock, so a cheap step that the scheduler or a GC pause interrupts
   * measures milliseconds; with one it would send the session to the call threads, where on a busy
   * machine its steps are interrupted again and it could stay. An env whose steps are slow moves
   * after two.
   */
  boolean isCheapToStep() {
    return !env.costlyStep()
        && Math.min(lastStepNanos, previousStepNanos) <= CallExecutor.INLINE_LIMIT_NANOS;
  }

  /**
   * Whether its next reset may run inline: as {@link #isCheapToStep()}, by its last reset. Steps
   * are judged by steps alone, so a first reset that ran cold (before the JIT) does not keep a
   * session that resets once, as vector envs do, off the event loop for good.
   */
  boolean isCheapToReset() {
    return !env.costlyStep() && lastResetNanos <= CallExecutor.INLINE_LIMIT_NANOS;
  }

  synchronized ResetResponse reset(ResetRequest request) {
    long start = clock.getAsLong();
    try {
      return resetNow(request);
    } finally {
      lastResetNanos = clock.getAsLong() - start;
    }
  }

  synchronized StepResponse step(StepRequest request) {
    long start = clock.getAsLong();
    try {
      return stepNow(request);
    } finally {
      previousStepNanos = lastStepNanos;
      lastStepNanos = clock.getAsLong() - start;
    }
  }

  private ResetResponse resetNow(ResetRequest request) {
    touch();
    int n = env.numEnvs();
    Long[] seeds = seeds(request, n);
    boolean[] mask = null;
    if (request.getResetMaskCount() > 0) {
      if (request.getResetMaskCount() != n) {
        throw new InvalidValueException(
            "reset_mask: expected "
                + n
                + " flags (one per env) or none, got "
                + request.getResetMaskCount());
      }
      mask = new boolean[n];
      for (int i = 0; i < n; i++) {
        mask[i] = request.getResetMask(i);
      }
    }
    env.reset(seeds, request.getOptionsMap(), mask);
    ResetResponse.Builder b = ResetResponse.newBuilder().setObservation(observation());
    addInfos(b::addInfos);
    return b.build();
  }

  private StepResponse stepNow(StepRequest request) {
    touch();
    int n = env.numEnvs();
    SpaceMembership.checkBatch(env.actionSpace(), request.getAction(), n, "action");
    env.step(Tensors.buffer(request.getAction().getTensor()));

    StepResponse.Builder b = StepResponse.newBuilder().setObservation(observation());
    double[] rewards = env.rewards();
    boolean[] terminated = env.terminated();
    boolean[] truncated = env.truncated();
    for (int i = 0; i < n; i++) {
      b.addRewards(rewards[i]);
      b.addTerminated(terminated[i]);
      b.addTruncated(truncated[i]);
    }
    addInfos(b::addInfos);
    List<VectorEnv.FinalStep> finals = env.finals();
    if (!finals.isEmpty()) {
      int obsBytes = env.observationBytes();
      byte[] data = new byte[finals.size() * obsBytes];
      boolean anyInfo = false;
      for (int k = 0; k < finals.size(); k++) {
        VectorEnv.FinalStep f = finals.get(k);
        b.addFinalEnvIndices(f.env());
        System.arraycopy(f.observation(), 0, data, k * obsBytes, obsBytes);
        anyInfo |= !f.info().isEmpty();
      }
      long[] shape = obsShape.clone();
      shape[0] = finals.size();
      b.setFinalObservation(Value.newBuilder().setTensor(Tensors.wrap(obsDtype, shape, data)));
      if (anyInfo) {
        for (VectorEnv.FinalStep f : finals) {
          b.addFinalInfos(ValueMap.newBuilder().putAllEntries(f.info()));
        }
      }
    }
    return b.build();
  }

  synchronized RenderResponse render() {
    touch();
    if (!"rgb_array".equals(renderMode)) {
      throw new RenderNotEnabledException(
          "session "
              + id
              + " was made with render_mode '"
              + renderMode
              + "': make it with render_mode \"rgb_array\" to render");
    }
    List<RgbFrame> frames = env.render();
    RgbFrame first = frames.get(0);
    long bytes = (long) frames.size() * first.rgb().length;
    if (bytes > maxMessageBytes - ServerConfig.RESPONSE_MARGIN_BYTES) {
      throw new LimitExceededException(
          "render of "
              + frames.size()
              + " frames is "
              + bytes
              + " bytes, over the server's max message size of "
              + maxMessageBytes
              + " bytes: render a smaller session or raise --max-message-bytes");
    }
    byte[] data = new byte[Math.toIntExact(bytes)];
    for (int i = 0; i < frames.size(); i++) {
      System.arraycopy(frames.get(i).rgb(), 0, data, i * first.rgb().length, first.rgb().length);
    }
    Tensor t =
        Tensors.wrap(
            DType.DTYPE_UINT8, new long[] {frames.size(), first.height(), first.width(), 3}, data);
    return RenderResponse.newBuilder().setFrames(t).build();
  }

  /** Closes the envs; later calls answer NOT_FOUND through the registry. Idempotent. */
  synchronized void close() {
    if (!closed) {
      closed = true;
      env.close();
    }
  }

  private void touch() {
    if (closed) {
      throw new SessionNotFoundException("session " + id + " is closed");
    }
    lastUsedNanos = clock.getAsLong();
  }

  private Value observation() {
    Tensor t =
        Tensor.newBuilder()
            .setDtype(obsDtype)
            .addAllShape(obsShapeList)
            .setData(ByteString.copyFrom(env.observations()))
            .build();
    return Value.newBuilder().setTensor(t).build();
  }

  private void addInfos(java.util.function.Consumer<ValueMap> sink) {
    int n = env.numEnvs();
    boolean any = false;
    for (int i = 0; i < n && !any; i++) {
      any = !env.info(i).isEmpty();
    }
    if (any) {
      for (int i = 0; i < n; i++) {
        Map<String, Value> info = env.info(i);
        sink.accept(ValueMap.newBuilder().putAllEntries(info).build());
      }
    }
  }

  private static Long[] seeds(ResetRequest request, int n) {
    switch (request.getSeedingCase()) {
      case SEED -> {
        long base = request.getSeed();
        if (base < 0 || base > Long.MAX_VALUE - n) {
          throw new InvalidValueException(
              "seed: expected an integer in [0, "
                  + (Long.MAX_VALUE - n)
                  + "] (env i gets seed + i), got "
                  + base);
        }
        Long[] seeds = new Long[n];
        for (int i = 0; i < n; i++) {
          seeds[i] = base + i;
        }
        return seeds;
      }
      case SEEDS -> {
        List<OptionalSeed> list = request.getSeeds().getSeedsList();
        if (list.size() != n) {
          throw new InvalidValueException(
              "seeds: expected " + n + " entries (one per env), got " + list.size());
        }
        Long[] seeds = new Long[n];
        for (int i = 0; i < n; i++) {
          if (list.get(i).hasSeed()) {
            long s = list.get(i).getSeed();
            if (s < 0) {
              throw new InvalidValueException(
                  "seeds[" + i + "]: expected an integer >= 0, got " + s);
            }
            seeds[i] = s;
          }
        }
        return seeds;
      }
      default -> {
        return null;
      }
    }
  }
}
