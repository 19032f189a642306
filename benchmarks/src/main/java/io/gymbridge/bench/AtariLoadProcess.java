package io.gymbridge.bench;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.gymbridge.v1.CloseRequest;
import io.gymbridge.v1.EnvServiceGrpc;
import io.gymbridge.v1.MakeRequest;
import io.gymbridge.v1.ResetRequest;
import io.gymbridge.v1.Value;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The isolation bench's heavy client, in a JVM of its own as an agent would be: it steps an Atari
 * session of {@code envs} envs with random actions, back to back, until its parent writes a line,
 * then prints its steps/s and exits. It runs at nice 10, all its threads, standing in for an agent
 * on another machine, which would not compete for the server's cores.
 */
final class AtariLoadProcess implements AutoCloseable {
  private final Process process;
  private final BufferedReader out;

  private AtariLoadProcess(Process process) {
    this.process = process;
    this.out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  /** Starts the client and returns once its session is made and reset. */
  static AtariLoadProcess start(int port, String game, int envs) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    // All its threads at nice 10 (its event loop too), through nice(1) where there is one.
    List<String> command = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/nice"))) {
      command.addAll(List.of("/usr/bin/nice", "-n", "10"));
    }
    command.addAll(
        List.of(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            AtariLoadProcess.class.getName(),
            Integer.toString(port),
            game,
            Integer.toString(envs)));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    AtariLoadProcess load = new AtariLoadProcess(p);
    String line;
    while ((line = load.out.readLine()) != null && !line.equals("ready")) {
      System.err.println("atari load: " + line); // a log line on its stdout
    }
    if (line == null) {
      p.destroyForcibly();
      throw new IOException("the Atari load process ended before its session was ready");
    }
    return load;
  }

  /** Stops the client; its Atari steps per second while it ran. */
  double stop() throws IOException, InterruptedException {
    process.getOutputStream().write('\n');
    process.getOutputStream().flush();
    String line;
    while ((line = out.readLine()) != null && !line.matches("[0-9.]+")) {
      System.err.println("atari load: " + line);
    }
    process.waitFor(30, TimeUnit.SECONDS);
    if (line == null) {
      throw new IOException("the Atari load process ended without its rate");
    }
    return Double.parseDouble(line);
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    String game = args[1];
    int envs = Integer.parseInt(args[2]);
    PrintStream stdout = System.out;
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", port)
            .usePlaintext()
            .maxInboundMessageSize(64 << 20)
            .build();
    var stub = EnvServiceGrpc.newBlockingStub(channel);
    String session =
        stub.make(
                MakeRequest.newBuilder()
                    .setEnvId(game)
                    .setNumEnvs(envs)
                    .putKwargs("preprocessing", Value.newBuilder().setStringValue("nature").build())
                    .build())
            .getSessionId();
    stub.reset(ResetRequest.newBuilder().setSessionId(session).setSeed(7).build());
    AtomicBoolean running = new AtomicBoolean(true);
    long[] steps = {0};
    Thread stepper =
        new Thread(
            () -> {
              SplittableRandom rng = new SplittableRandom(7);
              long[] actions = new long[envs];
              while (running.get()) {
                for (int i = 0; i < envs; i++) {
                  actions[i] = rng.nextInt(4);
                }
                stub.step(IsolationBench.step(session, actions));
                steps[0] += envs;
              }
            },
            "bench-heavy-stepper");
    long start = System.nanoTime();
    stepper.start();
    stdout.println("ready");
    stdout.flush();
    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    running.set(false);
    stepper.join();
    double seconds = (System.nanoTime() - start) / 1e9;
    stub.close(CloseRequest.newBuilder().setSessionId(session).build());
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    stdout.println(String.format(Locale.ROOT, "%.1f", steps[0] / seconds));
    stdout.flush();
    System.exit(0);
  }
}
