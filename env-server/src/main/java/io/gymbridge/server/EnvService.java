package io.gymbridge.server;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.gymbridge.envs.EnvRegistration;
import io.gymbridge.envs.EnvRegistry;
import io.gymbridge.v1.CloseRequest;
import io.gymbridge.v1.CloseResponse;
import io.gymbridge.v1.EnvServiceGrpc;
import io.gymbridge.v1.GetServerInfoRequest;
import io.gymbridge.v1.GetServerInfoResponse;
import io.gymbridge.v1.ListEnvsRequest;
import io.gymbridge.v1.ListEnvsResponse;
import io.gymbridge.v1.MakeRequest;
import io.gymbridge.v1.MakeResponse;
import io.gymbridge.v1.RenderRequest;
import io.gymbridge.v1.RenderResponse;
import io.gymbridge.v1.ResetRequest;
import io.gymbridge.v1.ResetResponse;
import io.gymbridge.v1.ServerLimits;
import io.gymbridge.v1.StepRequest;
import io.gymbridge.v1.StepResponse;
import io.gymbridge.v1.StreamRequest;
import io.gymbridge.v1.StreamResponse;
import java.util.List;
import java.util.function.Function;

/**
 * The gymbridge.v1 EnvService: each RPC hands its request to the {@link RequestHandler}, the path
 * the Stream RPC ({@link SessionStream}) takes too, and says how to send the answer.
 */
final class EnvService extends EnvServiceGrpc.EnvServiceImplBase {
  static final String PROTOCOL = "gymbridge.v1";
  static final int PROTOCOL_REVISION = 2; // 2: scalar Box bounds
  static final String SERVER_NAME = "gymbridge-env-server";
  static final List<String> CAPABILITIES =
      List.of(
          "stream",
          "render:rgb_array",
          "autoreset:next_step",
          "autoreset:same_step",
          "autoreset:disabled",
          "reset_mask");

  private final EnvRegistry envs;
  private final SessionRegistry sessions;
  private final ServerConfig config;
  private final RequestHandler handler;

  /** Specs under default kwargs, made once per id: making an env can be costly (ROM loads). */
  private final java.util.concurrent.ConcurrentHashMap<String, io.gymbridge.v1.EnvSpec>
      defaultSpecs = new java.util.concurrent.ConcurrentHashMap<>();

  EnvService(EnvRegistry envs, SessionRegistry sessions, ServerConfig config, CallExecutor calls) {
    this.envs = envs;
    this.sessions = sessions;
    this.config = config;
    this.handler = new RequestHandler(sessions, calls);
  }

  @Override
  public void getServerInfo(
      GetServerInfoRequest request, StreamObserver<GetServerInfoResponse> out) {
    handler.run(true, "GetServerInfo", this::serverInfo, reply(out, r -> r)); // no work to offload
  }

  @Override
  public void listEnvs(ListEnvsRequest request, StreamObserver<ListEnvsResponse> out) {
    // To the pool: the first listing makes one env of each id (ROM loads).
    handler.run(false, "ListEnvs", this::listEnvs, reply(out, r -> r));
  }

  @Override
  public void make(MakeRequest request, StreamObserver<MakeResponse> out) {
    session(StreamRequest.newBuilder().setMake(request), "Make", out, StreamResponse::getMake);
  }

  @Override
  public void reset(ResetRequest request, StreamObserver<ResetResponse> out) {
    session(StreamRequest.newBuilder().setReset(request), "Reset", out, StreamResponse::getReset);
  }

  @Override
  public void step(StepRequest request, StreamObserver<StepResponse> out) {
    session(StreamRequest.newBuilder().setStep(request), "Step", out, StreamResponse::getStep);
  }

  @Override
  public void render(RenderRequest request, StreamObserver<RenderResponse> out) {
    session(
        StreamRequest.newBuilder().setRender(request), "Render", out, StreamResponse::getRender);
  }

  @Override
  public void close(CloseRequest request, StreamObserver<CloseResponse> out) {
    session(StreamRequest.newBuilder().setClose(request), "Close", out, StreamResponse::getClose);
  }

  @Override
  public StreamObserver<StreamRequest> stream(StreamObserver<StreamResponse> out) {
    return new SessionStream(handler, sessions, out, ClientIdentity.current());
  }

  /**
   * A unary session call: the request goes the stream's way, wrapped as a {@link StreamRequest},
   * and {@code part} takes this method's response back out of the {@link StreamResponse}.
   */
  private <T> void session(
      StreamRequest.Builder request,
      String rpc,
      StreamObserver<T> out,
      Function<StreamResponse, T> part) {
    handler.handle(request.build(), ClientIdentity.current(), rpc, reply(out, part));
  }

  /**
   * Sends a unary call's one response, or its status, to {@code out}. Either can find the call
   * cancelled (the client gave up while it ran on the pool): nobody is waiting for the answer then,
   * so what gRPC throws is dropped.
   */
  private static <R, T> RequestHandler.Reply<R> reply(StreamObserver<T> out, Function<R, T> part) {
    return new RequestHandler.Reply<>() {
      @Override
      public void answer(R response) {
        try {
          out.onNext(part.apply(response));
          out.onCompleted();
        } catch (IllegalStateException | StatusRuntimeException cancelled) {
          // dropped: see above
        }
      }

      @Override
      public void fail(StatusRuntimeException status) {
        try {
          out.onError(status);
        } catch (IllegalStateException | StatusRuntimeException cancelled) {
          // dropped: see above
        }
      }
    };
  }

  private GetServerInfoResponse serverInfo() {
    String version = EnvService.class.getPackage().getImplementationVersion();
    return GetServerInfoResponse.newBuilder()
        .setProtocol(PROTOCOL)
        .setProtocolRevision(PROTOCOL_REVISION)
        .setServerName(SERVER_NAME)
        .setServerVersion(version == null ? "dev" : version)
        .addAllCapabilities(CAPABILITIES)
        .setLimits(
            ServerLimits.newBuilder()
                .setMaxSessions(config.maxSessions())
                .setMaxEnvsPerSession(config.maxEnvsPerSession())
                .setMaxMessageBytes(config.maxMessageBytes())
                .setIdleTimeoutSeconds(ceilSeconds(config.idleTimeout())))
        .build();
  }

  /**
   * Whole seconds, rounded up: ServerLimits reads 0 as "no limit", so a sub-second idle timeout
   * (possible through ServerConfig) must not be reported as 0.
   */
  private static long ceilSeconds(java.time.Duration d) {
    return d.getNano() > 0 ? d.getSeconds() + 1 : d.getSeconds();
  }

  private ListEnvsResponse listEnvs() {
    ListEnvsResponse.Builder b = ListEnvsResponse.newBuilder();
    for (EnvRegistration reg : envs.all()) {
      b.addEnvs(defaultSpecs.computeIfAbsent(reg.id(), id -> defaultSpec(reg)));
    }
    return b.build();
  }

  private static io.gymbridge.v1.EnvSpec defaultSpec(EnvRegistration reg) {
    try (var env = EnvRegistry.make(reg, java.util.Map.of(), null)) {
      return EnvRegistry.spec(reg, env, java.util.Map.of(), null);
    }
  }
}
