package io.gymbridge.bench;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.gymbridge.client.RemoteBatchedEnv;
import io.gymbridge.envs.Env;
import io.gymbridge.envs.EnvRegistry;
import io.gymbridge.server.EnvServer;
import io.gymbridge.server.EnvServerMain;
import io.gymbridge.server.ServerConfig;
import io.gymbridge.v1.AutoresetMode;
import io.gymbridge.v1.DType;
import io.gymbridge.v1.EnvServiceGrpc;
import io.gymbridge.v1.MakeRequest;
import io.gymbridge.v1.MakeResponse;
import io.gymbridge.v1.ResetRequest;
import io.gymbridge.v1.StepRequest;
import io.gymbridge.v1.StreamRequest;
import io.gymbridge.v1.StreamResponse;
import io.gymbridge.v1.Tensor;
import io.gymbridge.v1.Value;
import io.gymbridge.vector.VectorEnv;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * CartPole steps/s in-process and over gRPC loopback (unary and stream; 1, 64 and 256 envs),
 * printed as a table. The client is a plain blocking loop, as an agent would be: build the action
 * batch, send, wait for the observation.
 */
@Command(
    name = "bench-cartpole",
    mixinStandardHelpOptions = true,
    description = "CartPole-v1 steps/s: in-process vs over gRPC loopback.")
public final class CartPoleBench implements Callable<Integer> {
  @Option(
      names = "--seconds",
      defaultValue = "5",
      description = "Measured seconds per case (default: ${DEFAULT-VALUE}).")
  double seconds;

  @Option(
      names = "--warmup-seconds",
      defaultValue = "8",
      description = "Warm-up seconds per case (default: ${DEFAULT-VALUE}).")
  double warmupSeconds;

  @Option(
      names = "--sizes",
      split = ",",
      defaultValue = "1,64,256",
      description = "num_envs values (default: ${DEFAULT-VALUE}).")
  List<Integer> sizes;

  public static void main(String[] args) {
    System.exit(new CommandLine(new CartPoleBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    ServerConfig config = ServerConfig.defaults();
    try (EnvServer server =
        new EnvServer(EnvServerMain.nettyBuilder(config), EnvRegistry.builtin(), config).start()) {
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", server.port())
              .usePlaintext()
              .directExecutor()
              .build();
      try {
        System.out.printf(
            "%-9s %-22s %14s %16s %12s%n",
            "num_envs", "path", "steps/s", "round trips/s", "us/round trip");
        for (int n : sizes) {
          report(n, "in-process", measure(new InProcess(n)), n);
          if (n == 1) {
            report(n, "unary", measure(new Unary(channel, n)), n);
          }
          report(n, "stream", measure(new Streamed(channel, n)), n);
          report(n, "client library", measure(new ClientLibrary(server.port(), n)), n);
          report(
              n,
              "stream, callback client",
              new CallbackClient(channel, cartPole(n), 2, 1, warmupSeconds, seconds).run(),
              n);
          if (n > 1) {
            report(
                n,
                "stream, 2 halves piped",
                new CallbackClient(channel, cartPole(n / 2), 2, 2, warmupSeconds, seconds).run(),
                n);
          }
        }
        System.out.printf(
            "%nfloor: a raw TCP ping-pong on loopback between two threads takes %.1f us%n",
            TcpFloor.roundTripMicros());
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
    return 0;
  }

  private static MakeRequest cartPole(int n) {
    return MakeRequest.newBuilder().setEnvId("CartPole-v1").setNumEnvs(n).build();
  }

  private static void report(int n, String path, double roundTrips, int envs) {
    System.out.printf(
        "%-9d %-22s %,14.0f %,16.0f %12.2f%n",
        n, path, roundTrips * envs, roundTrips, 1e6 / roundTrips);
  }

  /** One batched step of n envs; returns nothing, the work is the point. */
  private interface Stepper extends AutoCloseable {
    void step() throws Exception;

    @Override
    default void close() throws Exception {}
  }

  private double measure(Stepper s) throws Exception {
    try (s) {
      long end = System.nanoTime() + (long) (warmupSeconds * 1e9);
      while (System.nanoTime() < end) {
        s.step();
      }
      long start = System.nanoTime();
      end = start + (long) (seconds * 1e9);
      long count = 0;
      long now;
      do {
        for (int i = 0; i < 64; i++) {
          s.step();
        }
        count += 64;
        now = System.nanoTime();
      } while (now < end);
      return count / ((now - start) / 1e9);
    }
  }

  /** Random 0/1 actions, little-endian int64, one per env, as a client builds them. */
  private static final class Actions {
    private final SplittableRandom random = new SplittableRandom(0);
    private final ByteBuffer buffer;
    private final int n;

    Actions(int n) {
      this.n = n;
      this.buffer = ByteBuffer.allocate(8 * n).order(ByteOrder.LITTLE_ENDIAN);
    }

    ByteBuffer nextBuffer() {
      for (int i = 0; i < n; i++) {
        buffer.putLong(i * 8, random.nextInt(2));
      }
      return buffer;
    }

    Value nextValue() {
      ByteBuffer b = nextBuffer();
      return Value.newBuilder()
          .setTensor(
              Tensor.newBuilder()
                  .setDtype(DType.DTYPE_INT64)
                  .addShape(n)
                  .setData(ByteString.copyFrom(b.array())))
          .build();
    }
  }

  /**
   * What a Java program gets from the client library (client/): a RemoteBatchedEnv, which steps
   * over the stream with its own connection and checks every response.
   */
  private static final class ClientLibrary implements Stepper {
    private final RemoteBatchedEnv env;
    private final SplittableRandom random = new SplittableRandom(0);
    private final int[] actions;

    ClientLibrary(int port, int n) {
      env = RemoteBatchedEnv.connect(List.of("127.0.0.1:" + port), "CartPole-v1", n);
      env.reset(0);
      actions = new int[n];
    }

    @Override
    public void step() {
      for (int i = 0; i < actions.length; i++) {
        actions[i] = random.nextInt(2);
      }
      env.step(actions);
    }

    @Override
    public void close() {
      env.close();
    }
  }

  private static final class InProcess implements Stepper {
    private final VectorEnv env;
    private final Actions actions;

    InProcess(int n) {
      var reg = EnvRegistry.builtin().find("CartPole-v1").orElseThrow();
      List<Env> envs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        envs.add(EnvRegistry.make(reg, Map.of(), null));
      }
      env = new VectorEnv(envs, io.gymbridge.vector.AutoresetMode.NEXT_STEP);
      env.reset(null, Map.of(), null);
      actions = new Actions(n);
    }

    @Override
    public void step() {
      env.step(actions.nextBuffer());
    }
  }

  private static final class Unary implements Stepper {
    private final EnvServiceGrpc.EnvServiceBlockingStub stub;
    private final String session;
    private final Actions actions;

    Unary(ManagedChannel channel, int n) {
      stub = EnvServiceGrpc.newBlockingStub(channel);
      MakeResponse made =
          stub.make(
              MakeRequest.newBuilder()
                  .setEnvId("CartPole-v1")
                  .setNumEnvs(n)
                  .setAutoresetMode(AutoresetMode.AUTORESET_MODE_NEXT_STEP)
                  .build());
      session = made.getSessionId();
      stub.reset(ResetRequest.newBuilder().setSessionId(session).setSeed(0).build());
      actions = new Actions(n);
    }

    @Override
    public void step() {
      stub.withDeadlineAfter(10, TimeUnit.SECONDS)
          .step(
              StepRequest.newBuilder()
                  .setSessionId(session)
                  .setAction(actions.nextValue())
                  .build());
    }

    @Override
    public void close() {
      stub.close(io.gymbridge.v1.CloseRequest.newBuilder().setSessionId(session).build());
    }
  }

  private static final class Streamed implements Stepper {
    private final BlockingQueue<StreamResponse> responses = new ArrayBlockingQueue<>(4);
    private final java.util.concurrent.CountDownLatch done =
        new java.util.concurrent.CountDownLatch(1);
    private final StreamObserver<StreamRequest> requests;
    private final String session;
    private final Actions actions;

    Streamed(ManagedChannel channel, int n) throws InterruptedException {
      requests =
          EnvServiceGrpc.newStub(channel).stream(
              new StreamObserver<>() {
                @Override
                public void onNext(StreamResponse value) {
                  responses.add(value);
                }

                @Override
                public void onError(Throwable t) {
                  System.err.println("stream failed: " + t);
                  done.countDown();
                }

                @Override
                public void onCompleted() {
                  done.countDown();
                }
              });
      session =
          call(StreamRequest.newBuilder()
                  .setMake(
                      MakeRequest.newBuilder()
                          .setEnvId("CartPole-v1")
                          .setNumEnvs(n)
                          .setAutoresetMode(AutoresetMode.AUTORESET_MODE_NEXT_STEP))
                  .build())
              .getMake()
              .getSessionId();
      call(
          StreamRequest.newBuilder()
              .setReset(ResetRequest.newBuilder().setSessionId(session).setSeed(0))
              .build());
      actions = new Actions(n);
    }

    private StreamResponse call(StreamRequest request) throws InterruptedException {
      requests.onNext(request);
      StreamResponse r = responses.poll(10, TimeUnit.SECONDS);
      if (r == null || r.hasError()) {
        throw new IllegalStateException("stream call failed: " + r);
      }
      return r;
    }

    @Override
    public void step() throws InterruptedException {
      call(
          StreamRequest.newBuilder()
              .setStep(
                  StepRequest.newBuilder().setSessionId(session).setAction(actions.nextValue()))
              .build());
    }

    @Override
    public void close() throws InterruptedException {
      requests.onCompleted();
      done.await(5, TimeUnit.SECONDS);
    }
  }
}
