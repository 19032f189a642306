package io.gymbridge.bench;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.gymbridge.codec.Tensors;
import io.gymbridge.server.EnvServer;
import io.gymbridge.server.EnvServerMain;
import io.gymbridge.server.ServerConfig;
import io.gymbridge.v1.DType;
import io.gymbridge.v1.EnvServiceGrpc;
import io.gymbridge.v1.MakeRequest;
import io.gymbridge.v1.ResetRequest;
import io.gymbridge.v1.StepRequest;
import io.gymbridge.v1.Value;
import io.gymbridge.vector.WorkerThreads;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Does one heavy client slow down a light one? The round trip of a CartPole client (one env, unary
 * Step, its own connection) alone, then while another connection steps a batch of Atari envs back
 * to back, alternating for several rounds on one server; prints p50/p99/max of each and their
 * ratios, per round and with all rounds pooled. Slow calls run on the server's call threads, not on
 * the event loops ({@code CallExecutor}); what remains is contention for the CPU, the event loop
 * when the two connections share one, and the server's garbage collections. The heavy client is a
 * process of its own ({@link AtariLoadProcess}), as an agent is: its allocations (1.8 MB of frames
 * decoded per step) do not make this JVM collect.
 */
@Command(
    name = "bench-isolation",
    mixinStandardHelpOptions = true,
    description = "CartPole round trip alone vs beside a client stepping Atari envs.")
public final class IsolationBench implements Callable<Integer> {
  @Option(names = "--rounds", defaultValue = "3", description = "Alone/beside pairs (default: 3).")
  int rounds;

  @Option(
      names = "--seconds",
      defaultValue = "10",
      description = "Measured seconds per case (default: ${DEFAULT-VALUE}).")
  double seconds;

  @Option(
      names = "--atari-envs",
      defaultValue = "64",
      description = "Envs in the heavy client's session (default: ${DEFAULT-VALUE}).")
  int atariEnvs;

  @Option(
      names = "--game",
      defaultValue = "ALE/Breakout-v5",
      description = "The heavy client's env (default: ${DEFAULT-VALUE}).")
  String game;

  @Option(names = "--rom-dir", description = "Atari ROMs (default: as the env-server finds them).")
  Path romDir;

  @Option(
      names = "--worker-nice",
      defaultValue = "10",
      description = "The server's --worker-nice (default: ${DEFAULT-VALUE}, as bin/env-server).")
  int workerNice;

  public static void main(String[] args) {
    System.exit(new CommandLine(new IsolationBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    WorkerThreads.setNice(workerNice);
    ServerConfig config = ServerConfig.defaults();
    try (EnvServer server =
        new EnvServer(EnvServerMain.nettyBuilder(config), EnvServerMain.registry(romDir), config)
            .start()) {
      ManagedChannel light = channel(server);
      try {
        var stub = EnvServiceGrpc.newBlockingStub(light);
        String cartPole =
            stub.make(MakeRequest.newBuilder().setEnvId("CartPole-v1").setNumEnvs(1).build())
                .getSessionId();
        stub.reset(ResetRequest.newBuilder().setSessionId(cartPole).setSeed(1).build());
        System.out.printf(
            Locale.ROOT,
            "CartPole unary Step round trip, alone vs beside %d envs of %s stepped back to back"
                + " (worker nice %d, %d cores, %.0f s per case)%n",
            atariEnvs,
            game,
            workerNice,
            Runtime.getRuntime().availableProcessors(),
            seconds);
        System.out.printf(
            Locale.ROOT,
            "%-6s %-8s %10s %10s %10s %14s%n",
            "round",
            "case",
            "p50 us",
            "p99 us",
            "max us",
            "atari steps/s");
        measure(stub, cartPole, 3); // warm-up
        long[] allAlone = {};
        long[] allBeside = {};
        for (int r = 1; r <= rounds; r++) {
          long[] alone = measure(stub, cartPole, seconds);
          print(r, "alone", alone, 0);
          long[] beside;
          double atariRate;
          try (AtariLoadProcess load = AtariLoadProcess.start(server.port(), game, atariEnvs)) {
            beside = measure(stub, cartPole, seconds);
            atariRate = load.stop();
          }
          print(r, "beside", beside, atariRate);
          printRatio(Integer.toString(r), alone, beside);
          allAlone = concat(allAlone, alone);
          allBeside = concat(allBeside, beside);
        }
        // The rounds pooled: what a light client sees over the whole run. Rounds differ by more
        // than noise: the Atari connection may or may not share the CartPole connection's loop.
        print("all", "alone", allAlone, 0);
        print("all", "beside", allBeside, 0);
        printRatio("all", allAlone, allBeside);
      } finally {
        light.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
    return 0;
  }

  private static ManagedChannel channel(EnvServer server) {
    return NettyChannelBuilder.forAddress("127.0.0.1", server.port())
        .usePlaintext()
        .directExecutor()
        .maxInboundMessageSize(64 << 20)
        .build();
  }

  private static void print(Object round, String what, long[] micros, double atariRate) {
    System.out.printf(
        Locale.ROOT,
        "%-6s %-8s %10d %10d %10d %14s%n",
        round,
        what,
        percentile(micros, 0.50),
        percentile(micros, 0.99),
        micros[micros.length - 1],
        atariRate > 0 ? String.format(Locale.ROOT, "%,.0f", atariRate) : "-");
  }

  private static void printRatio(String round, long[] alone, long[] beside) {
    System.out.printf(
        Locale.ROOT,
        "%-6s %-8s %10.2fx %9.2fx%n",
        round,
        "ratio",
        (double) percentile(beside, 0.50) / percentile(alone, 0.50),
        (double) percentile(beside, 0.99) / percentile(alone, 0.99));
  }

  /** The {@code q} quantile of sorted {@code micros}. */
  private static long percentile(long[] micros, double q) {
    return micros[(int) Math.min(micros.length - 1, micros.length * q)];
  }

  private static long[] concat(long[] a, long[] b) {
    long[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    Arrays.sort(both);
    return both;
  }

  /** The round trips of CartPole Steps over {@code seconds}, in microseconds, sorted. */
  private static long[] measure(
      EnvServiceGrpc.EnvServiceBlockingStub stub, String session, double seconds) {
    long[] micros = new long[1 << 20];
    int n = 0;
    long end = System.nanoTime() + (long) (seconds * 1e9);
    int t = 0;
    while (System.nanoTime() < end && n < micros.length) {
      long start = System.nanoTime();
      stub.step(step(session, new long[] {t++ & 1}));
      micros[n++] = (System.nanoTime() - start) / 1000;
    }
    long[] sorted = Arrays.copyOf(micros, n);
    Arrays.sort(sorted);
    return sorted;
  }

  static StepRequest step(String session, long[] actions) {
    ByteBuffer b = ByteBuffer.allocate(8 * actions.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long a : actions) {
      b.putLong(a);
    }
    return StepRequest.newBuilder()
        .setSessionId(session)
        .setAction(
            Value.newBuilder()
                .setTensor(Tensors.wrap(DType.DTYPE_INT64, new long[] {actions.length}, b.array())))
        .build();
  }
}
