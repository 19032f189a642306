package io.gymbridge.client;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.gymbridge.transport.ClientSecurity;
import io.gymbridge.transport.HealthProbe;
import java.io.PrintStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns the {@code --server} values into the addresses the agent opens sessions on, and optionally
 * waits until each of them reports SERVING on {@code grpc.health.v1}.
 *
 * <p>{@code host:port} is used as given. {@code dns:///name:port} (gRPC's target syntax) stands for
 * every address the name resolves to, sorted, each a server of its own: a scaled compose service or
 * a Kubernetes headless service then counts as all its replicas. {@link #resolve} gives the
 * addresses to start with; {@link #resolveNow}, handed to {@link RemoteBatchedEnv#followServers},
 * resolves the names again while the agent runs, so replicas added later get envs and envs leave
 * replicas that are gone.
 *
 * <p>Waiting exists for deployments that start the agent beside its servers (compose, Kubernetes):
 * until the deadline, names that do not resolve yet and servers that refuse or are not SERVING are
 * retried every 0.5 s. Without a wait, an unreachable server fails the first Make at once.
 */
public final class ServerAddresses {
  private static final String DNS_PREFIX = "dns:///";
  private static final Duration PROBE_DEADLINE = Duration.ofSeconds(2);
  private static final Duration RETRY = Duration.ofMillis(500);

  private ServerAddresses() {}

  /**
   * The addresses behind {@code servers}, after waiting up to {@code wait} for all to be SERVING
   * (zero: no health check, names resolved once), probing them with {@code security}.
   *
   * @throws IllegalArgumentException a name does not resolve (and no wait was asked for)
   * @throws ServersNotReadyException the wait ran out; it names each server not ready and why
   */
  public static List<String> resolve(
      List<String> servers, Duration wait, PrintStream log, ClientSecurity security) {
    return resolve(servers, wait, log, security, NanoClock.SYSTEM);
  }

  /** As {@link #resolve(List, Duration, PrintStream, ClientSecurity)}, timed by {@code clock}. */
  static List<String> resolve(
      List<String> servers,
      Duration wait,
      PrintStream log,
      ClientSecurity security,
      NanoClock clock) {
    if (wait.isZero() || wait.isNegative()) {
      try {
        return expand(servers);
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("--server: cannot resolve " + e.getMessage(), e);
      }
    }
    long start = clock.nanoTime();
    long deadline = start + wait.toNanos();
    Map<String, String> notReady = new LinkedHashMap<>();
    Map<String, ConnectionFailure> failures = new LinkedHashMap<>();
    boolean logged = false;
    while (true) {
      notReady.clear();
      failures.clear();
      List<String> addresses = List.of();
      try {
        addresses = expand(servers);
      } catch (UnknownHostException e) {
        notReady.put(e.getMessage(), "name does not resolve (yet)");
      }
      for (String address : addresses) {
        String why = notServing(address, security, failures);
        if (why != null) {
          notReady.put(address, why);
        }
      }
      if (notReady.isEmpty()) {
        if (logged) {
          log.printf(
              "env servers ready after %.1f s: %s%n", (clock.nanoTime() - start) / 1e9, addresses);
        }
        return addresses;
      }
      if (clock.nanoTime() >= deadline) {
        throw new ServersNotReadyException(wait, notReady, failures);
      }
      if (!logged) {
        log.println(
            "waiting up to "
                + wait.toSeconds()
                + " s for env servers: "
                + ServersNotReadyException.describe(notReady));
        logged = true;
      }
      try {
        clock.sleep(RETRY.toNanos());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for env servers " + servers, e);
      }
    }
  }

  /**
   * {@code servers} resolved again now, without waiting or probing: the server list a {@link
   * RemoteBatchedEnv} follows ({@link RemoteBatchedEnv#followServers}) to reconnect and rebalance.
   *
   * @throws IllegalStateException a name does not resolve at the moment
   */
  public static List<String> resolveNow(List<String> servers) {
    try {
      return expand(servers);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("cannot resolve " + e.getMessage(), e);
    }
  }

  /**
   * Checks that {@code address} is host:port (IPv6 hosts in brackets) with a port 1..65535.
   *
   * @throws IllegalArgumentException it is not, with an example of one that is
   */
  public static void check(String address) {
    int colon = address == null ? -1 : address.lastIndexOf(':');
    String host = colon > 0 ? address.substring(0, colon) : "";
    boolean ok = !host.isEmpty() && (!host.contains(":") || host.startsWith("["));
    if (ok) {
      try {
        int port = Integer.parseInt(address.substring(colon + 1));
        ok = port >= 1 && port <= 65535;
      } catch (NumberFormatException e) {
        ok = false;
      }
    }
    if (!ok) {
      throw new IllegalArgumentException(
          "server address "
              + (address == null ? "null" : "'" + address + "'")
              + ": expected host:port with a port in 1..65535, e.g. 127.0.0.1:50051");
    }
  }

  /** {@code servers} with each {@code dns:///name:port} replaced by its resolved addresses. */
  static List<String> expand(List<String> servers) throws UnknownHostException {
    List<String> out = new ArrayList<>();
    for (String s : servers) {
      if (!s.startsWith(DNS_PREFIX)) {
        out.add(s);
        continue;
      }
      String hostPort = s.substring(DNS_PREFIX.length());
      check(hostPort);
      int colon = hostPort.lastIndexOf(':');
      String host = hostPort.substring(0, colon);
      String port = hostPort.substring(colon + 1);
      InetAddress[] all;
      try {
        all = InetAddress.getAllByName(host);
      } catch (UnknownHostException e) {
        throw new UnknownHostException(s);
      }
      Arrays.stream(all)
          .map(a -> a instanceof Inet6Address ? "[" + a.getHostAddress() + "]" : a.getHostAddress())
          .distinct()
          .sorted()
          .forEach(a -> out.add(a + ":" + port));
    }
    return out;
  }

  /**
   * Null when {@code address} is SERVING, else why not: the health status, or the call's status
   * code and, when the cause says more than gRPC's "io exception", what went wrong (also put in
   * {@code failures}).
   */
  private static String notServing(
      String address, ClientSecurity security, Map<String, ConnectionFailure> failures) {
    try {
      ServingStatus status = HealthProbe.check(address, "", PROBE_DEADLINE, security);
      return status == ServingStatus.SERVING ? null : status.name();
    } catch (StatusRuntimeException e) {
      Status s = e.getStatus();
      Optional<ConnectionFailure> f =
          ConnectionFailure.of(s.getCode(), s.getDescription(), s.getCause());
      f.ifPresent(failure -> failures.put(address, failure));
      return s.getCode().name() + f.map(failure -> ": " + failure.describe()).orElse("");
    }
  }
}
