package io.gymbridge.agent.cli;

import io.grpc.Status;
import io.gymbridge.client.ConnectionFailure;
import io.gymbridge.client.RemoteEnvException;
import io.gymbridge.client.ServersNotReadyException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * What to do when a server cannot be reached or refuses the agent, in terms of the agent's flags:
 * the sentence that follows the failure in {@link CliErrors}. Worded as the Python client's hints
 * (python/gymbridge/errors.py) so that both clients say the same thing about the same trouble.
 */
final class ConnectionAdvice {
  private ConnectionAdvice() {}

  /** The advice for a failed call, or "" when the failure's own message says all there is. */
  static String forFailure(RemoteEnvException e) {
    String at = e.address();
    if (e.code() == Status.Code.UNAUTHENTICATED) {
      return "The server at "
          + at
          + " requires a bearer token: pass --token-file FILE, or set GYMBRIDGE_TOKEN or"
          + " GYMBRIDGE_TOKEN_FILE";
    }
    if (e.code() != Status.Code.UNAVAILABLE) {
      return "";
    }
    return ConnectionFailure.of(e)
        .map(f -> forKind(f, at))
        .orElse(
            "Is the server up at "
                + at
                + ", and does it use TLS exactly when this agent does (--tls, --tls-ca; a"
                + " certificate for another name needs --tls-server-name)?");
  }

  private static String forKind(ConnectionFailure f, String at) {
    return switch (f.kind()) {
      case REFUSED ->
          "Nothing listens at "
              + at
              + ": start a server there (bin/env-server --port "
              + port(at)
              + " on that host) or fix --server";
      case UNRESOLVED -> "The host of " + at + " does not resolve: check the name in --server";
      case SERVER_NOT_TLS ->
          "The server at "
              + at
              + " speaks plaintext but this agent dials TLS: leave out --tls and --tls-ca, or"
              + " start the server with --tls-cert and --tls-key";
      case CLOSED_WITHOUT_ANSWER ->
          "The server at "
              + at
              + " closed the connection without answering, as a TLS server does to a plaintext"
              + " client: dial it with --tls-ca CA.pem (or --tls if a public CA signed its"
              + " certificate)";
      case UNTRUSTED_CERTIFICATE ->
          "The certificate of "
              + at
              + " is not signed by a CA this agent trusts: give that CA with --tls-ca FILE";
      case NAME_MISMATCH ->
          "The certificate of "
              + at
              + " is for another name ("
              + f.detail()
              + "): dial a name it carries, or set --tls-server-name NAME";
      case TLS_HANDSHAKE ->
          "TLS with "
              + at
              + " failed ("
              + f.detail()
              + "): check --tls-ca, --tls-cert/--tls-key and --tls-server-name";
    };
  }

  /**
   * After {@code --wait-for-servers} ran out: start the servers where nothing listens, fix the
   * connection settings where one answered wrongly, else wait longer.
   */
  static String startServers(ServersNotReadyException e) {
    TreeSet<String> ports = new TreeSet<>();
    List<String> advice = new ArrayList<>();
    boolean other = false;
    for (String address : e.notReady().keySet()) {
      Optional<ConnectionFailure> f = e.failure(address);
      if (f.isPresent() && f.get().kind() == ConnectionFailure.Kind.REFUSED) {
        ports.add(port(address));
      } else if (f.isPresent()) {
        advice.add(forKind(f.get(), address));
      } else {
        other = true;
      }
    }
    if (!ports.isEmpty()) {
      advice.add(
          0,
          "Start the servers that are not up (on each host: bin/env-server --port "
              + String.join(", --port ", ports)
              + ") or fix --server");
    }
    if (other) {
      advice.add(
          "A server that is starting (NOT_SERVING) or a name not yet in DNS may need a longer"
              + " --wait-for-servers");
    }
    return String.join(". ", advice);
  }

  /** The port of host:port, [v6]:port or dns:///name:port; "PORT" when there is none. */
  private static String port(String address) {
    int colon = address.lastIndexOf(':');
    String port = colon < 0 ? "" : address.substring(colon + 1);
    return port.matches("[0-9]+") ? port : "PORT";
  }
}
