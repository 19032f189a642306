package io.gymbridge.bench;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.gymbridge.codec.Tensors;
import io.gymbridge.envs.EnvRegistry;
import io.gymbridge.server.EnvServer;
import io.gymbridge.server.EnvServerMain;
import io.gymbridge.server.ServerConfig;
import io.gymbridge.v1.DType;
import io.gymbridge.v1.EnvServiceGrpc;
import io.gymbridge.v1.MakeRequest;
import io.gymbridge.v1.ResetRequest;
import io.gymbridge.v1.StepRequest;
import io.gymbridge.v1.StreamRequest;
import io.gymbridge.v1.StreamResponse;
import io.gymbridge.v1.Value;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Many clients on one server for minutes, each holding several sessions on its stream and stepping
 * them, then vanishing mid-stream, in one of three ways (cancelling its stream, dropping its
 * connection, or leaving a unary session behind without closing it) and coming back. Prints the
 * process's RSS and thread count and the server's open sessions every interval, then stops the
 * clients and waits past the idle timeout: every session must be freed, by its stream's end or by
 * the idle timeout, and RSS and threads must stay flat. Server and clients share this JVM (and one
 * IP address, so the per-client share is off).
 */
@Command(
    name = "bench-soak",
    mixinStandardHelpOptions = true,
    description = "Sessions from many vanishing clients: RSS, threads and sessions over time.")
public final class SoakBench implements Callable<Integer> {
  @Option(names = "--minutes", defaultValue = "10", description = "Length (default: 10).")
  double minutes;

  @Option(names = "--clients", defaultValue = "32", description = "Clients (default: 32).")
  int clients;

  @Option(
      names = "--sessions-per-client",
      defaultValue = "8",
      description = "Sessions each client holds on its stream (default: 8; 32 x 8 = 256).")
  int sessionsPerClient;

  @Option(names = "--envs", defaultValue = "4", description = "CartPole envs per session (4).")
  int envs;

  @Option(
      names = "--interval-seconds",
      defaultValue = "30",
      description = "Seconds between report lines (default: 30).")
  int intervalSeconds;

  @Option(
      names = "--idle-timeout-seconds",
      defaultValue = "20",
      description = "The server's idle timeout, which frees abandoned sessions (default: 20).")
  int idleTimeoutSeconds;

  private final AtomicLong steps = new AtomicLong();
  private final AtomicLong vanished = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final java.util.Map<String, AtomicLong> failureKinds =
      new java.util.concurrent.ConcurrentHashMap<>();

  private void failed(String what) {
    failures.incrementAndGet();
    String kind = what.length() > 120 ? what.substring(0, 120) : what;
    failureKinds.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new SoakBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    ServerConfig config =
        ServerConfig.defaults()
            .withIdleTimeout(Duration.ofSeconds(idleTimeoutSeconds))
            // Room for every client's sessions plus the abandoned ones the reaper has not freed.
            .withLimits(clients * (sessionsPerClient + 4), 1024, 64 << 20)
            .withBudget(ServerConfig.defaultEnvMemoryBytes(), 1.0);
    try (EnvServer server =
        new EnvServer(EnvServerMain.nettyBuilder(config), EnvRegistry.builtin(), config).start()) {
      System.out.printf(
          Locale.ROOT,
          "%d clients x %d sessions of %d CartPole envs for %.0f min; clients vanish after 2-20 s"
              + " and come back; idle timeout %d s%n",
          clients,
          sessionsPerClient,
          envs,
          minutes,
          idleTimeoutSeconds);
      System.out.printf(
          Locale.ROOT,
          "%8s %9s %13s %8s %9s %12s%n",
          "seconds",
          "RSS MiB",
          "live heap MiB",
          "threads",
          "sessions",
          "env steps/s");
      List<Thread> threads = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int id = c;
        Thread t = new Thread(() -> clientLoop(server.port(), id), "soak-client-" + c);
        t.setDaemon(true);
        t.start();
        threads.add(t);
      }
      long start = System.nanoTime();
      long end = start + (long) (minutes * 60e9);
      long lastSteps = 0;
      long lastTime = start;
      while (System.nanoTime() < end) {
        Thread.sleep(intervalSeconds * 1000L);
        long now = System.nanoTime();
        long s = steps.get();
        report(server, (now - start) / 1e9, (s - lastSteps) / ((now - lastTime) / 1e9));
        lastSteps = s;
        lastTime = now;
      }
      running.set(false);
      for (Thread t : threads) {
        t.join(30_000);
      }
      System.out.println(
          "clients stopped (the last ones vanished abruptly); waiting for the reaper");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(idleTimeoutSeconds * 3L);
      while (server.openSessions() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(1000);
      }
      Thread.sleep(2000);
      report(server, (System.nanoTime() - start) / 1e9, 0);
      System.out.printf(
          Locale.ROOT,
          "after: %d sessions open (expected 0), %d clients vanished, %d failed calls%n",
          server.openSessions(),
          vanished.get(),
          failures.get());
      failureKinds.forEach((k, n) -> System.out.printf(Locale.ROOT, "  %,d x %s%n", n.get(), k));
      return server.openSessions() == 0 ? 0 : 1;
    }
  }

  /**
   * One line. The live heap is measured after a full GC: RSS alone cannot tell a leak from the JVM
   * growing its heap towards -Xmx, the live heap can.
   */
  private static void report(EnvServer server, double seconds, double rate) {
    System.gc();
    long live = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
    System.out.printf(
        Locale.ROOT,
        "%8.0f %9d %13d %8d %9d %,12.0f%n",
        seconds,
        rssMib(),
        live,
        ManagementFactory.getThreadMXBean().getThreadCount(),
        server.openSessions(),
        rate);
  }

  /** One client: connect, make its sessions on a stream, step them, vanish, come back. */
  private void clientLoop(int port, int id) {
    SplittableRandom rng = new SplittableRandom(id);
    while (running.get()) {
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
      BlockingStream stream = new BlockingStream(channel);
      try {
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < sessionsPerClient; i++) {
          StreamResponse made =
              stream.call(
                  StreamRequest.newBuilder()
                      .setMake(MakeRequest.newBuilder().setEnvId("CartPole-v1").setNumEnvs(envs))
                      .build());
          if (made.hasError()) {
            failed(
                "make answered " + made.getError().getCode() + ": " + made.getError().getMessage());
            continue;
          }
          sessions.add(made.getMake().getSessionId());
        }
        for (String s : sessions) {
          stream.call(
              StreamRequest.newBuilder()
                  .setReset(ResetRequest.newBuilder().setSessionId(s).setSeed(id))
                  .build());
        }
        long lifetime =
            System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(rng.nextLong(2000, 20000));
        int way = rng.nextInt(3);
        if (way == 2) { // a unary session it will abandon: only the idle timeout frees it
          var stub =
              EnvServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
          stub.make(MakeRequest.newBuilder().setEnvId("CartPole-v1").setNumEnvs(envs).build());
        }
        while (running.get() && System.nanoTime() < lifetime) {
          for (String s : sessions) {
            StreamResponse r = stream.call(step(s, rng));
            if (r.hasError()) {
              failed("step answered " + r.getError().getCode() + ": " + r.getError().getMessage());
            }
            steps.addAndGet(envs);
          }
        }
        // Vanish mid-stream, without closing anything.
        if (way == 0) {
          stream.cancel();
        }
        channel.shutdownNow();
        vanished.incrementAndGet();
      } catch (Exception e) {
        failed(e.toString());
        channel.shutdownNow();
      }
      try {
        channel.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private StreamRequest step(String session, SplittableRandom rng) {
    ByteBuffer b = ByteBuffer.allocate(8 * envs).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < envs; i++) {
      b.putLong(rng.nextInt(2));
    }
    return StreamRequest.newBuilder()
        .setStep(
            StepRequest.newBuilder()
                .setSessionId(session)
                .setAction(
                    Value.newBuilder()
                        .setTensor(Tensors.wrap(DType.DTYPE_INT64, new long[] {envs}, b.array()))))
        .build();
  }

  private static long rssMib() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (Exception e) {
      // not Linux: no RSS column
    }
    return -1;
  }

  /** A Stream call used one request at a time. */
  private static final class BlockingStream {
    private final BlockingQueue<Object> answers = new LinkedBlockingQueue<>();
    private final ClientCallStreamObserver<StreamRequest> requests;

    BlockingStream(ManagedChannel channel) {
      requests =
          (ClientCallStreamObserver<StreamRequest>)
              EnvServiceGrpc.newStub(channel).stream(
                  new StreamObserver<>() {
                    @Override
                    public void onNext(StreamResponse value) {
                      answers.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                      answers.add(t);
                    }

                    @Override
                    public void onCompleted() {
                      answers.add(new IllegalStateException("stream completed"));
                    }
                  });
    }

    StreamResponse call(StreamRequest request) throws Exception {
      requests.onNext(request);
      Object answer = answers.poll(10, TimeUnit.SECONDS);
      if (answer instanceof StreamResponse r) {
        return r;
      }
      throw new IllegalStateException("no answer: " + answer);
    }

    void cancel() {
      requests.cancel("soak client vanishes", null);
    }
  }
}
