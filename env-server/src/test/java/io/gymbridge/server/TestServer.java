package io.gymbridge.server;

import static org.junit.jupiter.api.Assertions.fail;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.gymbridge.envs.EnvRegistry;
import io.gymbridge.v1.EnvServiceGrpc;
import io.gymbridge.v1.StreamRequest;
import io.gymbridge.v1.StreamResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A real env-server on 127.0.0.1 with an ephemeral port, and plaintext channels to it. Closing it
 * shuts the channels down first, then the server, so no test leaves sockets or threads behind.
 */
final class TestServer implements AutoCloseable {
  /** Deadline of every client call; generous, since a hung call should fail, not hang the build. */
  static final long DEADLINE_SECONDS = 10;

  private final EnvServer server;
  private final ServerConfig config;

  /** Kept: the server cannot tell its port once it has terminated. */
  private final int port;

  private final List<ManagedChannel> channels = new ArrayList<>();
  private final ManagedChannel channel;

  private TestServer(EnvServer server, ServerConfig config) {
    this.server = server;
    this.config = config;
    this.port = server.port();
    this.channel = newChannel();
  }

  /**
   * Test defaults: a short shutdown grace, so closing never stalls a test, and no per-client share
   * (every test client is 127.0.0.1; EnvBudgetTest covers the share).
   */
  static ServerConfig config() {
    return ServerConfig.defaults().toBuilder()
        .host("127.0.0.1")
        .port(0)
        .shutdownGrace(Duration.ofMillis(500))
        .maxClientShare(1.0)
        .build();
  }

  static TestServer start() throws IOException {
    return start(config());
  }

  static TestServer start(ServerConfig config) throws IOException {
    return start(config, EnvRegistry.builtin());
  }

  static TestServer start(ServerConfig config, EnvRegistry envs) throws IOException {
    return start(config, envs, System::nanoTime);
  }

  /** A server whose idle timeout runs on {@code clock} ({@link ManualClock} in tests). */
  static TestServer start(ServerConfig config, LongSupplier clock) throws IOException {
    return start(config, EnvRegistry.builtin(), clock);
  }

  /** A server with {@code envs} whose idle timeout and call timings run on {@code clock}. */
  static TestServer start(ServerConfig config, EnvRegistry envs, LongSupplier clock)
      throws IOException {
    return start(config, envs, clock, CallLimits.DEFAULTS);
  }

  /** A server with other {@link CallLimits} (shorter request timeouts). */
  static TestServer start(ServerConfig config, CallLimits limits) throws IOException {
    return start(config, EnvRegistry.builtin(), System::nanoTime, limits);
  }

  private static TestServer start(
      ServerConfig config, EnvRegistry envs, LongSupplier clock, CallLimits limits)
      throws IOException {
    EnvServer server =
        new EnvServer(EnvServerMain.nettyBuilder(config), envs, config, clock, limits).start();
    return new TestServer(server, config);
  }

  EnvServer server() {
    return server;
  }

  ServerConfig serverConfig() {
    return config;
  }

  int port() {
    return port;
  }

  ManagedChannel channel() {
    return channel;
  }

  /** Another client connection (its own TCP connection), closed with this server. */
  ManagedChannel newChannel() {
    ManagedChannel c =
        Grpc.newChannelBuilder("127.0.0.1:" + port, InsecureChannelCredentials.create())
            .maxInboundMessageSize(config.maxMessageBytes())
            .build();
    channels.add(c);
    return c;
  }

  /** A blocking stub whose deadline starts now: make a fresh one per call. */
  EnvServiceGrpc.EnvServiceBlockingStub env() {
    return env(channel);
  }

  static EnvServiceGrpc.EnvServiceBlockingStub env(ManagedChannel c) {
    return EnvServiceGrpc.newBlockingStub(c).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  /** Opens a Stream call on the main channel. */
  StreamClient stream() {
    return new StreamClient(channel);
  }

  @Override
  public void close() throws InterruptedException {
    for (ManagedChannel c : channels) {
      c.shutdownNow();
    }
    for (ManagedChannel c : channels) {
      c.awaitTermination(5, TimeUnit.SECONDS);
    }
    server.close();
  }

  /** A Stream call driven one request at a time: {@link #call} sends and waits for the answer. */
  static final class StreamClient implements AutoCloseable {
    private final BlockingQueue<StreamResponse> responses = new LinkedBlockingQueue<>();
    private final CompletableFuture<Throwable> ended = new CompletableFuture<>();
    private final ClientCallStreamObserver<StreamRequest> requests;

    StreamClient(ManagedChannel channel) {
      StreamObserver<StreamResponse> observer =
          new StreamObserver<>() {
            @Override
            public void onNext(StreamResponse value) {
              responses.add(value);
            }

            @Override
            public void onError(Throwable t) {
              ended.complete(t);
            }

            @Override
            public void onCompleted() {
              ended.complete(null);
            }
          };
      this.requests =
          (ClientCallStreamObserver<StreamRequest>)
              EnvServiceGrpc.newStub(channel)
                  .withDeadlineAfter(DEADLINE_SECONDS * 3, TimeUnit.SECONDS)
                  .stream(observer);
    }

    void send(StreamRequest request) {
      requests.onNext(request);
    }

    StreamResponse next() throws InterruptedException {
      StreamResponse r = responses.poll(DEADLINE_SECONDS, TimeUnit.SECONDS);
      if (r == null) {
        fail(
            "no stream response within "
                + DEADLINE_SECONDS
                + " s; stream ended with "
                + ended.getNow(null));
      }
      return r;
    }

    StreamResponse call(StreamRequest request) throws InterruptedException {
      send(request);
      return next();
    }

    /** Half-closes and waits for the server to complete the call; returns its error or null. */
    Throwable complete() throws Exception {
      requests.onCompleted();
      return ended.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    void cancel() {
      requests.cancel("test cancels the stream", null);
    }

    /** Responses that arrived but were not taken with {@link #next}. */
    List<StreamResponse> unread() {
      List<StreamResponse> rest = new ArrayList<>();
      responses.drainTo(rest);
      return rest;
    }

    @Override
    public void close() {
      if (!ended.isDone()) {
        cancel();
      }
    }
  }
}
