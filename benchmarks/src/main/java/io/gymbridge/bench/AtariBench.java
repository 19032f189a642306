package io.gymbridge.bench;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.gymbridge.envs.Env;
import io.gymbridge.envs.EnvRegistration;
import io.gymbridge.envs.EnvRegistry;
import io.gymbridge.server.EnvServer;
import io.gymbridge.server.EnvServerMain;
import io.gymbridge.server.ServerConfig;
import io.gymbridge.v1.EnvServiceGrpc;
import io.gymbridge.v1.MakeRequest;
import io.gymbridge.v1.MakeResponse;
import io.gymbridge.v1.Value;
import io.gymbridge.vector.AutoresetMode;
import io.gymbridge.vector.EnvStepPool;
import io.gymbridge.vector.VectorEnv;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Atari agent steps/s of the same envs in-process (the server's work alone) and delivered over gRPC
 * loopback to a client with random actions: one vector session of N envs stepped by a blocking loop
 * (as an agent does), two sessions of N/2 whose steps are in flight together on one stream (the
 * client prepares one while the server steps the other), and 2 or 4 connections with a session of
 * N/2 or N/4 each (an agent given the same server several times). The server steps a session's envs
 * in parallel on its per-core pool. Defaults: Breakout with Gymnasium's DQN pipeline on the server
 * (AtariPreprocessing's defaults and a stack of 4 over {@code ALE/Breakout-v5} with frameskip 1,
 * sticky actions 0.25), 8 envs.
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
      defaultValue = "15",
      description =
          "Warm-up seconds per case (default: ${DEFAULT-VALUE}; on 2 cores the server's JIT"
              + " needs ~15 s to settle: with 5 s the gRPC cases read ~15%% low).")
  double warmupSeconds;

  @Option(names = "--rom-dir", description = "Atari ROM folder (default: as the server finds it).")
  Path romDir;

  public static void main(String[] args) {
    System.exit(new CommandLine(new AtariBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    ServerConfig config = ServerConfig.defaults();
    EnvRegistry registry = EnvServerMain.registry(romDir);
    try (EnvServer server =
        new EnvServer(EnvServerMain.nettyBuilder(config), registry, config).start()) {
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
        EnvRegistration reg =
            registry
                .find(envId)
                .orElseThrow(() -> new IllegalArgumentException("no env " + envId + " here"));
        System.out.printf(
            "%-40s %,14.0f%n", "in-process, 1 env", inProcess(reg, make, 1, numActions));
        System.out.printf(
            "%-40s %,14.0f%n",
            "in-process, vector of " + numEnvs + " on the pool",
            inProcess(reg, make, numEnvs, numActions));
        double one = new CallbackClient(channel, make, numActions, 1, warmupSeconds, seconds).run();
        System.out.printf("%-40s %,14.0f%n", "gRPC stream, 1 session, blocking", one * numEnvs);
        if (numEnvs % 2 == 0) {
          MakeRequest half = makeRequest(numEnvs / 2);
          double two =
              new CallbackClient(channel, half, numActions, 2, warmupSeconds, seconds).run();
          System.out.printf(
              "%-40s %,14.0f%n",
              "gRPC stream, 2 sessions of " + numEnvs / 2 + " in flight", two * numEnvs);
        }
        for (int k = 2; k <= 4; k += 2) {
          if (numEnvs % k == 0) {
            System.out.printf(
                "%-40s %,14.0f%n",
                "gRPC, " + k + " connections of " + numEnvs / k,
                connections(k, server.port(), makeRequest(numEnvs / k), numActions));
          }
        }
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
    return 0;
  }

  /**
   * Agent steps/s of {@code n} envs made and stepped in this process, without gRPC: the server's
   * work alone, as a vector on a per-core step pool like a session's.
   */
  private double inProcess(EnvRegistration reg, MakeRequest make, int n, int numActions) {
    List<Env> envs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      envs.add(EnvRegistry.make(reg, make.getKwargsMap(), null));
    }
    try (EnvStepPool pool = EnvStepPool.perCore();
        VectorEnv vector = new VectorEnv(envs, AutoresetMode.NEXT_STEP, pool)) {
      Long[] seeds = new Long[n];
      for (int i = 0; i < n; i++) {
        seeds[i] = (long) i;
      }
      vector.reset(seeds, Map.of(), null);
      ByteBuffer actions = ByteBuffer.allocate(8 * n).order(ByteOrder.LITTLE_ENDIAN);
      SplittableRandom random = new SplittableRandom(0);
      long warmEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
      long start = 0;
      long steps = 0;
      long end = warmEnd + (long) (seconds * 1e9);
      long now;
      do {
        for (int i = 0; i < n; i++) {
          actions.putLong(i * 8, random.nextInt(numActions));
        }
        vector.step(actions);
        now = System.nanoTime();
        if (now >= warmEnd) {
          if (start == 0) {
            start = now;
          } else {
            steps++;
          }
        }
      } while (now < end);
      return steps * n / ((now - start) / 1e9);
    }
  }

  /**
   * {@code k} clients on {@code k} connections, each stepping its own session of {@code
   * part.num_envs} envs (as an agent given the same server k times does): the server runs a
   * connection's requests on that connection's event loop, so the sessions' steps overlap on the
   * server too (on one stream they are answered one after the other), and one session's transfer
   * overlaps the others' stepping. Returns their agent steps/s summed.
   */
  private double connections(int k, int port, MakeRequest part, int numActions) throws Exception {
    List<ManagedChannel> channels = new ArrayList<>();
    List<Future<Double>> results = new ArrayList<>();
    ExecutorService clients = Executors.newFixedThreadPool(k);
    try {
      for (int c = 0; c < k; c++) {
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
                    new CallbackClient(ch, part, numActions, 1, warmupSeconds, seconds).run()
                        * part.getNumEnvs()));
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
