package io.gymbridge.agent.cli;

import io.gymbridge.transport.ClientSecurity;
import io.gymbridge.transport.Tokens;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * How the agent dials remote env servers: TLS (with a CA file, a client certificate for mutual TLS,
 * the name to check) and a bearer token. The token comes from a file or the environment as well as
 * the flag ({@link Tokens}), and is never written to config.json, logs or errors.
 */
final class SecurityOptions {
  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description =
          "Bearer token the servers require. Visible in process listings: prefer --token-file or "
              + "GYMBRIDGE_TOKEN / GYMBRIDGE_TOKEN_FILE, which are used when neither flag is set.")
  String token;

  @Option(names = "--token-file", paramLabel = "FILE", description = "Read the token from FILE.")
  Path tokenFile;

  @Option(
      names = "--tls",
      description = "Dial with TLS, verifying servers with the system's roots.")
  boolean tls;

  @Option(
      names = "--tls-ca",
      paramLabel = "FILE",
      defaultValue = "${env:GYMBRIDGE_TLS_CA}",
      description = "Dial with TLS, verifying servers with these PEM roots [GYMBRIDGE_TLS_CA].")
  Path tlsCa;

  @Option(
      names = "--tls-cert",
      paramLabel = "FILE",
      defaultValue = "${env:GYMBRIDGE_TLS_CERT}",
      description = "Client certificate chain (PEM) for mutual TLS [GYMBRIDGE_TLS_CERT].")
  Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "FILE",
      defaultValue = "${env:GYMBRIDGE_TLS_KEY}",
      description = "Private key (PEM, PKCS#8) of --tls-cert [GYMBRIDGE_TLS_KEY].")
  Path tlsKey;

  @Option(
      names = "--tls-server-name",
      paramLabel = "NAME",
      defaultValue = "${env:GYMBRIDGE_TLS_SERVER_NAME}",
      description =
          "Name the servers' certificates carry, when it is not the dialed host: needed with "
              + "dns:/// servers, which are dialed by IP address [GYMBRIDGE_TLS_SERVER_NAME].")
  String tlsServerName;

  /**
   * The security these options describe.
   *
   * @throws IllegalArgumentException an unreadable file, a cert without its key, a blank token
   */
  ClientSecurity security() {
    return new ClientSecurity(
        Tokens.resolve(token, tokenFile, System.getenv()),
        tls,
        tlsCa,
        tlsCert,
        tlsKey,
        tlsServerName);
  }
}
