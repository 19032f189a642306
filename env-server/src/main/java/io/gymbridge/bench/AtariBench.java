package io.gymbridge.bench;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.gymbridge.server.EnvServer;
import io.gymbridge.server.EnvServerMain;
import io.gymbridge.server.ServerConfig;
import io.gymbridge.v1.EnvServiceGrpc;
import io.gymbridge.v1.MakeRequest;
import io.gymbridge.v1.MakeResponse;
import io.gymbridge.v1.Value;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Atari agent steps/s delivered over gRPC loopback to a client with random actions: one vector
 * session of N envs stepped by a blocking loop (as an agent does), and two sessions of N/2 whose
 * steps are in flight together (the client prepares one while the server steps the other). The
 * server steps a session's envs in parallel on its per-core pool. Defaults: Breakout with
 * Gymnasium's DQN pipeline on the server (AtariPreprocessing's defaults and a stack of 4 over
 * {@code ALE/Breakout-v5} with frameskip 1, sticky actions 0.25), 8 envs.
 */
@Command(
    name = "bench-atari",
    mixinStandardHelpOptions = true,
    description = "Atari agent steps/s over gRPC loopback (random actions).")
public final class AtariBench implements Callable<Integer> {
  @Option(
      names = "--env",
      defaultValue = "ALE/Breakout-v5",
      description = "Env id (default: ${DEFAULT-VALUE}).")
  String envId;

  @Option(
      names = "--kwarg",
      description =
          "Make kwarg key=value, repeatable (default: frameskip=1, atari_preprocessing=true,"
              + " frame_stack=4).")
  List<String> kwargs;

  @Option(
      names = "--num-envs",
      defaultValue = "8",
      description = "Envs (default: ${DEFAULT-VALUE}).")
  int numEnvs;

  @Option(
      names = "--seconds",
      defaultValue = "10",
      description = "Measured seconds per case (default: ${DEFAULT-VALUE}).")
  double seconds;

  @Option(
      names = "--warmup-seconds",
      defaultValue = "5",
      description = "Warm-up seconds per case (default: ${DEFAULT-VALUE}).")
  double warmupSeconds;

  @Option(names = "--rom-dir", description = "Atari ROM folder (default: as the server finds it).")
  Path romDir;

  public static void main(String[] args) {
    System.exit(new CommandLine(new AtariBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    ServerConfig config = ServerConfig.defaults();
    try (EnvServer server =
        new EnvServer(EnvServerMain.nettyBuilder(config), EnvServerMain.registry(romDir), config)
            .start()) {
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", server.port())
              .usePlaintext()
              .directExecutor()
              .maxInboundMessageSize(64 << 20)
              .build();
      try {
        MakeRequest make = makeRequest(numEnvs);
        int numActions = numActions(channel, make);
        System.out.printf(
            "%s %s, %d envs, %d cores%n",
            envId,
            make.getKwargsMap().keySet().stream()
                .map(k -> k + "=" + show(make.getKwargsMap().get(k)))
                .toList(),
            numEnvs,
            Runtime.getRuntime().availableProcessors());
        System.out.printf("%-40s %14s%n", "path", "agent steps/s");
        double one = new CallbackClient(channel, make, numActions, 1, warmupSeconds, seconds).run();
        System.out.printf("%-40s %,14.0f%n", "gRPC stream, 1 session, blocking", one * numEnvs);
        if (numEnvs % 2 == 0) {
          double two =
              new CallbackClient(
                      channel, makeRequest(numEnvs / 2), numActions, 2, warmupSeconds, seconds)
                  .run();
          System.out.printf(
              "%-40s %,14.0f%n",
              "gRPC stream, 2 sessions of " + numEnvs / 2 + " in flight", two * numEnvs);
        }
        if (numEnvs % 2 == 0) {
          double both = twoConnections(server.port(), makeRequest(numEnvs / 2), numActions);
          System.out.printf(
              "%-40s %,14.0f%n", "gRPC stream, 2 connections of " + numEnvs / 2, both);
        }
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
    return 0;
  }

  /**
   * Two clients on two connections, each stepping its own session: the server runs a connection's
   * requests on that connection's event loop, so the two sessions' steps overlap on the server too
   * (on one stream they are answered one after the other). Returns their agent steps/s summed.
   */
  private double twoConnections(int port, MakeRequest half, int numActions) throws Exception {
    List<ManagedChannel> channels = new ArrayList<>();
    List<Future<Double>> results = new ArrayList<>();
    ExecutorService clients = Executors.newFixedThreadPool(2);
    try {
      for (int c = 0; c < 2; c++) {
        ManagedChannel ch =
            NettyChannelBuilder.forAddress("127.0.0.1", port)
                .usePlaintext()
                .directExecutor()
                .maxInboundMessageSize(64 << 20)
                .build();
        channels.add(ch);
        results.add(
            clients.submit(
                () ->
                    new CallbackClient(ch, half, numActions, 1, warmupSeconds, seconds).run()
                        * half.getNumEnvs()));
      }
      double sum = 0;
      for (Future<Double> r : results) {
        sum += r.get();
      }
      return sum;
    } finally {
      clients.shutdownNow();
      for (ManagedChannel ch : channels) {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  private MakeRequest makeRequest(int n) {
    Map<String, Value> values = new LinkedHashMap<>();
    List<String> given =
        kwargs != null
            ? kwargs
            : List.of("frameskip=1", "atari_preprocessing=true", "frame_stack=4");
    for (String kv : given) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new CommandLine.ParameterException(
            new CommandLine(this), "--kwarg expects key=value, got '" + kv + "'");
      }
      values.put(kv.substring(0, eq), parse(kv.substring(eq + 1)));
    }
    return MakeRequest.newBuilder().setEnvId(envId).setNumEnvs(n).putAllKwargs(values).build();
  }

  /** true/false, an integer, a decimal number, else a string. */
  private static Value parse(String s) {
    if (s.equals("true") || s.equals("false")) {
      return Value.newBuilder().setBoolValue(Boolean.parseBoolean(s)).build();
    }
    try {
      return Value.newBuilder().setIntValue(Long.parseLong(s)).build();
    } catch (NumberFormatException notInt) {
      try {
        return Value.newBuilder().setFloatValue(Double.parseDouble(s)).build();
      } catch (NumberFormatException notNumber) {
        return Value.newBuilder().setStringValue(s).build();
      }
    }
  }

  private static String show(Value v) {
    return switch (v.getKindCase()) {
      case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
      case INT_VALUE -> Long.toString(v.getIntValue());
      case FLOAT_VALUE -> Double.toString(v.getFloatValue());
      case STRING_VALUE -> v.getStringValue();
      default -> v.toString().trim();
    };
  }

  /** The Discrete action count, from a throwaway session (its spec). */
  private static int numActions(ManagedChannel channel, MakeRequest make) {
    var stub = EnvServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    MakeResponse made = stub.make(make.toBuilder().setNumEnvs(1).build());
    stub.close(io.gymbridge.v1.CloseRequest.newBuilder().setSessionId(made.getSessionId()).build());
    return Math.toIntExact(made.getSpec().getActionSpace().getDiscrete().getN());
  }
}
