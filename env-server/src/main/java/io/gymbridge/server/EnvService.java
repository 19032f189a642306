package io.gymbridge.server;

import io.grpc.Status;
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
import java.util.function.Supplier;

/**
 * The gymbridge.v1 EnvService: each RPC is a thin call into the session registry, run inline on the
 * event loop when it is cheap and on the {@link CallExecutor} when it is not.
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
  private final CallExecutor calls;

  /** Specs under default kwargs, made once per id: making an env can be costly (ROM loads). */
  private final java.util.concurrent.ConcurrentHashMap<String, io.gymbridge.v1.EnvSpec>
      defaultSpecs = new java.util.concurrent.ConcurrentHashMap<>();

  EnvService(EnvRegistry envs, SessionRegistry sessions, ServerConfig config, CallExecutor calls) {
    this.envs = envs;
    this.sessions = sessions;
    this.config = config;
    this.calls = calls;
  }

  @Override
  public void getServerInfo(
      GetServerInfoRequest request, StreamObserver<GetServerInfoResponse> out) {
    unary(out, "GetServerInfo", true, this::serverInfo);
  }

  @Override
  public void listEnvs(ListEnvsRequest request, StreamObserver<ListEnvsResponse> out) {
    unary(out, "ListEnvs", false, this::listEnvs);
  }

  @Override
  public void make(MakeRequest request, StreamObserver<MakeResponse> out) {
    String client = ClientIdentity.current(); // read here: the call thread has no gRPC context
    unary(out, "Make", false, () -> sessions.make(request, client));
  }

  @Override
  public void reset(ResetRequest request, StreamObserver<ResetResponse> out) {
    String id = request.getSessionId();
    unary(out, "Reset", sessions.isCheapToReset(id), () -> sessions.get(id).reset(request));
  }

  @Override
  public void step(StepRequest request, StreamObserver<StepResponse> out) {
    String id = request.getSessionId();
    unary(out, "Step", sessions.isCheapToStep(id), () -> sessions.get(id).step(request));
  }

  @Override
  public void render(RenderRequest request, StreamObserver<RenderResponse> out) {
    String id = request.getSessionId();
    unary(out, "Render", false, () -> sessions.get(id).render());
  }

  @Override
  public void close(CloseRequest request, StreamObserver<CloseResponse> out) {
    unary(
        out,
        "Close",
        sessions.isCheapToStep(request.getSessionId()),
        () -> {
          sessions.close(request.getSessionId(), "client asked");
          return CloseResponse.getDefaultInstance();
        });
  }

  @Override
  public StreamObserver<StreamRequest> stream(StreamObserver<StreamResponse> out) {
    return new SessionStream(sessions, calls, out, ClientIdentity.current());
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

  private <T> void unary(StreamObserver<T> out, String rpc, boolean inline, Supplier<T> handler) {
    boolean accepted = calls.run(inline, () -> respond(out, rpc, handler));
    if (!accepted) {
      out.onError(
          Status.RESOURCE_EXHAUSTED.withDescription(calls.busyMessage()).asRuntimeException());
    }
  }

  private static <T> void respond(StreamObserver<T> out, String rpc, Supplier<T> handler) {
    try {
      T response;
      try {
        response = handler.get();
      } catch (Throwable t) {
        out.onError(StatusMapping.toStatus(t, rpc));
        return;
      }
      out.onNext(response);
      out.onCompleted();
    } catch (IllegalStateException | StatusRuntimeException e) {
      // The client cancelled while the call ran on the pool: nobody is waiting for the answer.
    }
  }
}
