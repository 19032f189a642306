package io.gymbridge.server;

import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.gymbridge.transport.ClientSecurity;
import io.gymbridge.transport.HealthProbe;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code env-server health}: asks a running server for its {@code grpc.health.v1} status and exits
 * 0 when it is SERVING, 1 otherwise. The container image's HEALTHCHECK runs it, so the image needs
 * no separate probe binary; by default it checks the port the server in the same container uses.
 */
@Command(
    name = "health",
    mixinStandardHelpOptions = true,
    versionProvider = EnvServerMain.Version.class,
    description =
        "Checks a gymbridge server's grpc.health.v1 status: prints it and exits 0 when SERVING,"
            + " 1 when not serving or unreachable (a container HEALTHCHECK).")
final class HealthCommand implements Callable<Integer> {
  @Option(
      names = "--address",
      paramLabel = "HOST:PORT",
      description =
          "Server to check (default: 127.0.0.1 and the server's plaintext GYMBRIDGE_HEALTH_PORT "
              + "when set, else GYMBRIDGE_PORT, else 50051).")
  String address;

  @Option(
      names = "--service",
      defaultValue = "",
      description =
          "Service to check (default: \"\", the whole server; or gymbridge.v1.EnvService).")
  String service;

  @Option(
      names = "--timeout-seconds",
      defaultValue = "3",
      description = "Deadline for connecting and answering (default: ${DEFAULT-VALUE}).")
  double timeoutSeconds;

  @Option(
      names = "--tls",
      description = "Dial with TLS, verifying the server against the system's roots.")
  boolean tls;

  @Option(
      names = "--tls-ca",
      paramLabel = "FILE",
      defaultValue = "${env:GYMBRIDGE_TLS_CA}",
      description =
          "Dial with TLS, verifying the server against these PEM roots [GYMBRIDGE_TLS_CA].")
  Path tlsCa;

  // Not GYMBRIDGE_TLS_CERT/KEY: in the server's container those are the server's own.
  @Option(
      names = "--tls-cert",
      paramLabel = "FILE",
      defaultValue = "${env:GYMBRIDGE_HEALTH_TLS_CERT}",
      description =
          "Client certificate (PEM) for a server that requires mutual TLS "
              + "[GYMBRIDGE_HEALTH_TLS_CERT].")
  Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "FILE",
      defaultValue = "${env:GYMBRIDGE_HEALTH_TLS_KEY}",
      description = "Private key of --tls-cert [GYMBRIDGE_HEALTH_TLS_KEY].")
  Path tlsKey;

  @Option(
      names = "--tls-server-name",
      paramLabel = "NAME",
      defaultValue = "${env:GYMBRIDGE_TLS_SERVER_NAME}",
      description =
          "Name the server's certificate must carry, when it is not the dialed host "
              + "(e.g. localhost when checking 127.0.0.1) [GYMBRIDGE_TLS_SERVER_NAME].")
  String tlsServerName;

  @Override
  public Integer call() {
    String healthPort = System.getenv("GYMBRIDGE_HEALTH_PORT");
    boolean toHealthPort =
        address == null && healthPort != null && !healthPort.isBlank() && !"0".equals(healthPort);
    String target =
        address != null
            ? address
            : "127.0.0.1:" + (toHealthPort ? healthPort.strip() : defaultPort());
    Duration deadline = Duration.ofMillis(Math.round(timeoutSeconds * 1000));
    ClientSecurity security;
    try {
      // The server's --health-port is plaintext: no TLS there, whatever the environment says.
      security =
          toHealthPort
              ? ClientSecurity.plaintext()
              : new ClientSecurity(null, tls, tlsCa, tlsCert, tlsKey, tlsServerName);
    } catch (IllegalArgumentException e) {
      System.out.println(target + ": " + e.getMessage());
      return 2;
    }
    try {
      ServingStatus status = HealthProbe.check(target, service, deadline, security);
      System.out.println(target + ": " + status);
      return status == ServingStatus.SERVING ? 0 : 1;
    } catch (StatusRuntimeException e) {
      System.out.println(target + ": " + e.getStatus().getCode() + " " + e.getMessage());
      return 1;
    }
  }

  private static String defaultPort() {
    String p = System.getenv("GYMBRIDGE_PORT");
    return p == null || p.isBlank() ? "50051" : p.strip();
  }
}
