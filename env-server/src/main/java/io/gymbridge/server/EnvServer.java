package io.gymbridge.server;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.gymbridge.envs.EnvRegistry;
import io.gymbridge.v1.EnvServiceGrpc;
import io.gymbridge.vector.EnvStepPool;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lifecycle only, as grpc-java's RouteGuideServer: wires the env service, health and reflection
 * into a server built by the caller (a Netty port in production, in-process in tests), starts it,
 * and stops it in order: health NOT_SERVING, drain calls for the grace period, cancel the rest,
 * then close every session.
 */
public final class EnvServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EnvServer.class);

  private final ServerConfig config;
  private final Server server;
  private final SessionRegistry sessions;
  private final EnvStepPool stepPool;
  private final CallExecutor calls;
  private final HealthStatusManager health = new HealthStatusManager();
  private final CallGuard guard;

  /** grpc.health.v1 alone, plaintext, on --health-port; null when there is none. */
  private final Server healthServer;

  public EnvServer(ServerBuilder<?> builder, EnvRegistry envs, ServerConfig config) {
    this(builder, envs, config, System::nanoTime);
  }

  /**
   * A server whose idle timeout and call timings run on {@code clock} (nanoseconds) instead of
   * {@link System#nanoTime()}: tests advance it by hand and call {@link #reapIdleSessions()}.
   */
  EnvServer(ServerBuilder<?> builder, EnvRegistry envs, ServerConfig config, LongSupplier clock) {
    this(builder, envs, config, clock, CallLimits.DEFAULTS);
  }

  /** As above, with other {@link CallLimits} (tests shorten the request timeouts). */
  EnvServer(
      ServerBuilder<?> builder,
      EnvRegistry envs,
      ServerConfig config,
      LongSupplier clock,
      CallLimits limits) {
    this.config = config;
    this.guard = new CallGuard(limits, new RefusalLog());
    this.stepPool = EnvStepPool.perCore();
    this.sessions = new SessionRegistry(envs, config, stepPool, clock);
    this.calls = CallExecutor.perCore();
    ServerServiceDefinition service =
        MalformedRequests.guard(
            new EnvService(envs, sessions, config, calls).bindService(), new RefusalLog());
    // Handlers start on the Netty event-loop threads (EventLoops: two per core): no hand-off
    // for cheap calls, which on this 2-core VM cut a streamed CartPole round trip from 136 to 73
    // us; slow ones move to the CallExecutor's threads so they never stall the loops. A stream
    // holds no thread between messages, so long streams cannot exhaust either.
    builder.directExecutor();
    builder
        .maxInboundMessageSize(config.maxMessageBytes())
        .addService(service)
        .addService(health.getHealthService())
        .addService(ProtoReflectionServiceV1.newInstance());
    builder.intercept(ClientIdentity.interceptor());
    if (config.token() != null) {
      builder.intercept(new BearerTokenInterceptor(config.token()));
    }
    builder.intercept(guard).addStreamTracerFactory(guard.tracerFactory()); // runs first
    this.server = builder.build();
    this.healthServer =
        config.healthPort() == 0
            ? null
            : NettyServerBuilder.forAddress(
                    new InetSocketAddress(config.host(), config.healthPort()),
                    InsecureServerCredentials.create())
                .addService(health.getHealthService())
                // Health alone here, so the transport itself can refuse a large request.
                .maxInboundMessageSize(limits.maxHealthRequestBytes())
                .maxConcurrentCallsPerConnection(limits.maxHealthCallsPerClient())
                .handshakeTimeout(limits.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .intercept(guard)
                .addStreamTracerFactory(guard.tracerFactory())
                .build();
  }

  public EnvServer start() throws IOException {
    server.start();
    if (healthServer != null) {
      healthServer.start();
      log.info("grpc.health.v1 also on {} (plaintext, no token)", healthServer.getListenSockets());
    }
    health.setStatus("", ServingStatus.SERVING);
    health.setStatus(EnvServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
    log.info(
        "gymbridge env-server listening on {} (max sessions {}, max envs/session {}, "
            + "max message {} bytes, idle timeout {} s{})",
        server.getListenSockets(),
        config.maxSessions(),
        config.maxEnvsPerSession(),
        config.maxMessageBytes(),
        config.idleTimeout().toSeconds(),
        config.token() != null ? ", bearer token required" : "");
    return this;
  }

  /** Sessions open now (benchmarks and soak tests watch it). */
  public int openSessions() {
    return sessions.size();
  }

  /** Runs one pass of the idle reaper now, as the scheduled one does (tests). */
  void reapIdleSessions() {
    sessions.reapIdleOrLog();
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return server.getPort();
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /** Graceful stop; see the class doc for the order. Safe to call more than once. */
  @Override
  public void close() {
    if (server.isTerminated()) {
      return;
    }
    health.enterTerminalState();
    if (healthServer != null) {
      healthServer.shutdownNow();
    }
    server.shutdown();
    try {
      long graceMs = config.shutdownGrace().toMillis();
      if (!server.awaitTermination(graceMs, TimeUnit.MILLISECONDS)) {
        log.warn("calls still running after {} ms; cancelling them", graceMs);
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      sessions.close();
      guard.close();
      calls.close();
      stepPool.close();
      log.info("gymbridge env-server stopped");
    }
  }
}
