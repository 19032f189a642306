package io.gymbridge.bench;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The attack of the 2026-12-07 security review on an env-server's health service, which answers
 * without a token: rounds of concurrent grpc.health.v1 Checks whose service name is 60 MB, each on
 * a connection of its own. Prints how the calls ended and whether a plain health check is still
 * answered; bin/bench-health-flood runs it against a server it starts and watches that server's
 * memory.
 *
 * <p>Arguments: PORT [CONCURRENT (4)] [ROUNDS (3)].
 */
public final class HealthFloodBench {
  private static final int NAME_CHARS = 60_000_000;

  private HealthFloodBench() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int concurrent = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    HealthCheckRequest huge =
        HealthCheckRequest.newBuilder().setService("x".repeat(NAME_CHARS)).build();
    ExecutorService pool = Executors.newFixedThreadPool(concurrent);
    Map<String, Integer> ends = new TreeMap<>();
    long start = System.nanoTime();
    for (int r = 0; r < rounds; r++) {
      List<Future<String>> calls = new ArrayList<>();
      for (int i = 0; i < concurrent; i++) {
        calls.add(pool.submit(() -> check(port, huge, 60)));
      }
      for (Future<String> call : calls) {
        ends.merge(call.get(), 1, Integer::sum);
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    String after = check(port, HealthCheckRequest.getDefaultInstance(), 10);
    System.out.printf(
        "%d health checks with a %d-character service name, %d at a time: %s in %.1f s;"
            + " a plain health check after them: %s%n",
        concurrent * rounds, NAME_CHARS, concurrent, ends, seconds, after);
    pool.shutdownNow();
  }

  /** One Check on a fresh connection: the serving status, or the status code it failed with. */
  private static String check(int port, HealthCheckRequest request, int deadlineSeconds) {
    ManagedChannel channel =
        Grpc.newChannelBuilder("127.0.0.1:" + port, InsecureChannelCredentials.create())
            // An old server echoes the name into its error: let the client take that answer in.
            .maxInboundMetadataSize(256 << 20)
            .build();
    try {
      return HealthGrpc.newBlockingStub(channel)
          .withDeadlineAfter(deadlineSeconds, TimeUnit.SECONDS)
          .check(request)
          .getStatus()
          .toString();
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode().toString();
    } finally {
      channel.shutdownNow();
    }
  }
}
