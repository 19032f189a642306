package io.gymbridge.client;

import com.google.protobuf.UnsafeByteOperations;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.gymbridge.v1.AutoresetMode;
import io.gymbridge.v1.CloseRequest;
import io.gymbridge.v1.DType;
import io.gymbridge.v1.EnvSpec;
import io.gymbridge.v1.MakeRequest;
import io.gymbridge.v1.MakeResponse;
import io.gymbridge.v1.RenderRequest;
import io.gymbridge.v1.ResetRequest;
import io.gymbridge.v1.StepRequest;
import io.gymbridge.v1.StreamRequest;
import io.gymbridge.v1.StreamResponse;
import io.gymbridge.v1.Tensor;
import io.gymbridge.v1.Value;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One vector session on one server: {@code numEnvs} envs of one env id in Gymnasium's NEXT_STEP
 * autoreset mode, driven over the bidirectional {@code Stream} RPC on a channel of its own.
 *
 * <p>Supports what the DQN agent needs and says so otherwise: the observation space must be a Box
 * of dtype float32 or uint8 (observations come back flattened, env after env, in their dtype:
 * pixels stay bytes) and the action space Discrete (actions are indices 0..n-1; the session adds
 * the space's {@code start}). Of the infos it reads only {@code info["episode"]} (Gymnasium's
 * RecordEpisodeStatistics: "r", "l"), into {@link StepBatch#episodeReturns()}.
 *
 * <p>Failures are {@link RemoteEnvException}s naming the server and the request; those after which
 * only a fresh session can help (connection lost, deadline passed, session unknown to the server)
 * are {@link SessionLostException}s. A session never reconnects by itself: {@link RemoteBatchedEnv}
 * does that. Not thread-safe.
 */
public final class RemoteSession implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RemoteSession.class);

  private final String address;
  private final ClientConfig config;
  private final ManagedChannel channel;
  private final StreamClient stream;
  private final EnvSpec spec;
  private final String sessionId;
  private final int numEnvs;
  private final EnvSpaces spaces;
  private final int obsSize;
  private final ResponseReader responses;
  private final String label;
  private boolean closing;
  private StreamClient.Pending pendingClose;

  private RemoteSession(
      String address,
      ClientConfig config,
      ManagedChannel channel,
      StreamClient stream,
      MakeResponse made) {
    this.address = address;
    this.config = config;
    this.channel = channel;
    this.stream = stream;
    this.spec = made.getSpec();
    this.sessionId = made.getSessionId();
    this.numEnvs = made.getNumEnvs();
    this.label = "session " + sessionId + " (" + spec.getId() + " x " + numEnvs + ")";
    this.spaces = EnvSpaces.of(spec, address);
    this.obsSize = spaces.obsSize();
    this.responses = new ResponseReader(address, numEnvs, spaces.obsShape(), spaces.obsType());
  }

  /** Opens a session with {@link ClientConfig#defaults()}. */
  public static RemoteSession open(String address, String envId, int numEnvs) {
    return open(address, envId, numEnvs, ClientConfig.defaults());
  }

  /**
   * Connects to {@code address} (host:port; plaintext, or TLS and a token as {@code config} says)
   * on a new channel and makes a session of {@code numEnvs} envs of {@code envId}. The session
   * still needs a {@link #reset}.
   *
   * @throws IllegalArgumentException for an address that is not host:port, or numEnvs < 1
   * @throws RemoteEnvException the server could not be reached or refused the Make (unknown env id:
   *     NOT_FOUND, too many envs: RESOURCE_EXHAUSTED...)
   * @throws UnsupportedOperationException the env's observations are not a float32 or uint8 Box, or
   *     its actions not Discrete
   */
  public static RemoteSession open(String address, String envId, int numEnvs, ClientConfig config) {
    return open(address, envId, Map.of(), numEnvs, config, config.makeDeadline());
  }

  /**
   * One env of {@code envId} made with {@code kwargs} and render_mode "rgb_array", for {@link
   * #render}: what recording a game needs.
   */
  public static RemoteSession openRendering(
      String address, String envId, Map<String, Value> kwargs, ClientConfig config) {
    return open(address, envId, kwargs, 1, "rgb_array", config, config.makeDeadline());
  }

  static RemoteSession open(
      String address,
      String envId,
      Map<String, Value> kwargs,
      int numEnvs,
      ClientConfig config,
      Duration makeDeadline) {
    return open(address, envId, kwargs, numEnvs, "", config, makeDeadline);
  }

  /**
   * As {@link #open(String, String, int, ClientConfig)} with make kwargs ({@code
   * gymnasium.make(envId, **kwargs)}) and the Make deadline given.
   */
  private static RemoteSession open(
      String address,
      String envId,
      Map<String, Value> kwargs,
      int numEnvs,
      String renderMode,
      ClientConfig config,
      Duration makeDeadline) {
    ServerAddresses.check(address);
    if (numEnvs < 1) {
      throw new IllegalArgumentException("numEnvs must be >= 1, got " + numEnvs);
    }
    ManagedChannel channel = SessionChannels.open(address, config);
    RemoteSession session = null;
    StreamClient stream = null;
    try {
      stream = new StreamClient(channel, address, config.maxInboundMessageBytes(), config.clock());
      StreamRequest make =
          StreamRequest.newBuilder()
              .setMake(
                  MakeRequest.newBuilder()
                      .setEnvId(envId)
                      .putAllKwargs(kwargs)
                      .setRenderMode(renderMode)
                      .setNumEnvs(numEnvs)
                      .setAutoresetMode(AutoresetMode.AUTORESET_MODE_NEXT_STEP))
              .build();
      String what = "Make of " + envId + " x " + numEnvs;
      MakeResponse made = stream.call(make, what, makeDeadline).getMake();
      try {
        if (made.getNumEnvs() != numEnvs
            || made.getAutoresetMode() != AutoresetMode.AUTORESET_MODE_NEXT_STEP) {
          throw new RemoteEnvException(
              address,
              Status.Code.INTERNAL,
              "server "
                  + address
                  + ": "
                  + what
                  + " answered num_envs "
                  + made.getNumEnvs()
                  + " and autoreset mode "
                  + made.getAutoresetMode()
                  + "; expected "
                  + numEnvs
                  + " and AUTORESET_MODE_NEXT_STEP");
        }
        session = new RemoteSession(address, config, channel, stream, made);
        return session;
      } catch (RuntimeException e) {
        // Made but unusable: close it on the server before giving up.
        closeQuietly(stream, made.getSessionId(), config);
        throw e;
      }
    } finally {
      if (session == null) {
        if (stream != null) {
          stream.cancel("opening the session failed");
        }
        SessionChannels.shutdown(
            channel, config.clock().nanoTime() + config.closeTimeout().toNanos(), config.clock());
      }
    }
  }

  public String address() {
    return address;
  }

  public String sessionId() {
    return sessionId;
  }

  /** The env's spec as the server made it (kwargs and time limit applied). */
  public EnvSpec spec() {
    return spec;
  }

  public int numEnvs() {
    return numEnvs;
  }

  /** Elements per observation (the Box's element count). */
  public int observationSize() {
    return obsSize;
  }

  /** The Box's dtype: float32 observations fill {@link StepBatch#obs}, uint8 ones obsBytes. */
  public ObsType observationType() {
    return spaces.obsType();
  }

  /** The Box's shape, of one env. */
  public long[] observationShape() {
    return spaces.obsShape().clone();
  }

  /** The Discrete space's n. */
  public int numActions() {
    return spaces.numActions();
  }

  /** Whether the stream still works; false once any request found the session lost. */
  public boolean healthy() {
    return stream.healthy();
  }

  /** Resets every env; env i gets {@code seed + i}. Restarted flags are all false. */
  public StepBatch reset(long seed) {
    StepBatch out = empty();
    awaitReset(sendReset(seed), out, 0, config.resetDeadline());
    return out;
  }

  /**
   * The current RGB frame of each env, {@code [numEnvs, height, width, 3]} uint8 (the session must
   * have been made with render_mode "rgb_array", as {@link #openRendering} does).
   */
  public Tensor render() {
    StreamRequest r =
        StreamRequest.newBuilder()
            .setRender(RenderRequest.newBuilder().setSessionId(sessionId))
            .build();
    StreamClient.Pending p = stream.send(r, "Render of " + label);
    return responses.frames(p, await(p, config.stepDeadline()));
  }

  /** Steps every env; {@code actions} holds one index in [0, numActions) per env. */
  public StepBatch step(int[] actions) {
    if (actions.length != numEnvs) {
      throw new IllegalArgumentException(
          "actions: expected " + numEnvs + " (one per env), got " + actions.length);
    }
    StepBatch out = empty();
    awaitStep(sendStep(actions, 0), out, 0);
    return out;
  }

  /** The observation and action spaces, checked to be ones the client supports. */
  EnvSpaces spaces() {
    return spaces;
  }

  private StepBatch empty() {
    return StepBatch.empty(numEnvs, obsSize, spaces.obsType());
  }

  StreamClient.Pending sendReset(long seed) {
    StreamRequest r =
        StreamRequest.newBuilder()
            .setReset(ResetRequest.newBuilder().setSessionId(sessionId).setSeed(seed))
            .build();
    return stream.send(r, "Reset of " + label);
  }

  /** Writes the reset observations into {@code out} from env {@code envOffset} on. */
  void awaitReset(StreamClient.Pending p, StepBatch out, int envOffset, Duration deadline) {
    responses.reset(p, await(p, deadline), out, envOffset);
  }

  /** Sends the step of actions[from .. from + numEnvs), checked against the action space. */
  StreamClient.Pending sendStep(int[] actions, int from) {
    ByteBuffer b = ByteBuffer.allocate(numEnvs * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < numEnvs; i++) {
      int a = actions[from + i];
      if (a < 0 || a >= spaces.numActions()) {
        throw new IllegalArgumentException(
            "actions[" + (from + i) + "]: expected 0.." + (spaces.numActions() - 1) + ", got " + a);
      }
      b.putLong(i * 8, a + spaces.actionStart());
    }
    Tensor t =
        Tensor.newBuilder()
            .setDtype(DType.DTYPE_INT64)
            .addShape(numEnvs)
            .setData(UnsafeByteOperations.unsafeWrap(b.array()))
            .build();
    StreamRequest r =
        StreamRequest.newBuilder()
            .setStep(
                StepRequest.newBuilder()
                    .setSessionId(sessionId)
                    .setAction(Value.newBuilder().setTensor(t)))
            .build();
    return stream.send(r, "Step of " + label);
  }

  /** Writes this session's envs into {@code out} from env {@code envOffset} on. */
  void awaitStep(StreamClient.Pending p, StepBatch out, int envOffset) {
    responses.step(p, await(p, config.stepDeadline()), out, envOffset);
  }

  private StreamResponse await(StreamClient.Pending p, Duration deadline) {
    try {
      return stream.await(p, deadline);
    } catch (SessionLostException e) {
      throw e;
    } catch (RemoteEnvException e) {
      if (e.code() == Status.Code.NOT_FOUND) {
        // The server closed the session (idle timeout, restart): only a fresh one can help.
        stream.cancel("the server no longer knows " + sessionId);
        throw new SessionLostException(e.address(), e.code(), e.getMessage(), e.getCause());
      }
      throw e;
    }
  }

  /** Closes the session (Close, then half-close) and the channel, within closeTimeout. */
  @Override
  public void close() {
    if (beginClose()) {
      finishClose(config.clock().nanoTime() + config.closeTimeout().toNanos());
    }
  }

  /**
   * Sends Close (if the stream still works) without waiting for the answer, so that several
   * sessions close in parallel; returns false if closing had already begun.
   */
  boolean beginClose() {
    if (closing) {
      return false;
    }
    closing = true;
    if (stream.healthy()) {
      pendingClose =
          stream.send(
              StreamRequest.newBuilder()
                  .setClose(CloseRequest.newBuilder().setSessionId(sessionId))
                  .build(),
              "Close of " + label);
    }
    return true;
  }

  /** Waits for the Close sent by {@link #beginClose}, ends the stream, shuts the channel down. */
  void finishClose(long deadlineNanos) {
    if (pendingClose != null) {
      try {
        stream.await(
            pendingClose, Duration.ofNanos(Math.max(1, deadlineNanos - pendingClose.sentNanos)));
      } catch (RemoteEnvException e) {
        log.debug("{}", e.getMessage());
      }
      pendingClose = null;
    }
    stream.complete(deadlineNanos);
    SessionChannels.shutdown(channel, deadlineNanos, config.clock());
  }

  /** Closes at once without telling the server (it closes the session when the stream ends). */
  void abandon() {
    closing = true;
    stream.cancel("session abandoned");
    channel.shutdownNow();
  }

  private static void closeQuietly(StreamClient stream, String sessionId, ClientConfig config) {
    try {
      stream.call(
          StreamRequest.newBuilder()
              .setClose(CloseRequest.newBuilder().setSessionId(sessionId))
              .build(),
          "Close of session " + sessionId,
          config.closeTimeout());
    } catch (RemoteEnvException e) {
      log.debug("{}", e.getMessage());
    }
  }

  @Override
  public String toString() {
    return "RemoteSession[" + address + ", " + label + ", " + spaces + "]";
  }
}
