package io.gymbridge.client;

import io.grpc.Status;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Why a connection to a server failed, read from an UNAVAILABLE status and its cause chain, where
 * gRPC's own description ("io exception") says nothing. Callers turn the kind into advice in their
 * own terms (the agent names its flags, a library user its settings).
 *
 * @param kind what went wrong
 * @param detail the underlying message (the certificate check that failed, the host that did not
 *     resolve), or "" when there is none
 */
public record ConnectionFailure(Kind kind, String detail) {
  /** The failures a user can act on, each with a different fix. */
  public enum Kind {
    /** Nothing listens at the address (connection refused). */
    REFUSED("nothing listens there (connection refused)"),
    /** The host name does not resolve. */
    UNRESOLVED("the host name does not resolve"),
    /** The client dialed TLS and the server answered in plaintext. */
    SERVER_NOT_TLS("the client dialed TLS but the server answered in plaintext"),
    /**
     * The server closed the connection before answering: what a TLS server does to a plaintext
     * client (or something that is not a gRPC server at all).
     */
    CLOSED_WITHOUT_ANSWER("the server closed the connection without answering"),
    /** TLS: the server's certificate is not signed by a CA the client trusts. */
    UNTRUSTED_CERTIFICATE("TLS: the server's certificate is not signed by a trusted CA"),
    /** TLS: the server's certificate does not carry the name the client checks. */
    NAME_MISMATCH("TLS: the server's certificate is not for the name dialed"),
    /** Another TLS handshake failure (a client certificate the server refused, a bad key). */
    TLS_HANDSHAKE("TLS handshake failed");

    private final String text;

    Kind(String text) {
      this.text = text;
    }
  }

  /**
   * What an UNAVAILABLE status with this description and cause means, or empty for other codes and
   * for causes that say nothing more than the status.
   */
  public static Optional<ConnectionFailure> of(
      Status.Code code, String description, Throwable cause) {
    if (code != Status.Code.UNAVAILABLE) {
      return Optional.empty();
    }
    for (Throwable t = cause; t != null; t = t.getCause()) {
      String message = t.getMessage() == null ? "" : t.getMessage();
      if (t instanceof ConnectException || message.contains("Connection refused")) {
        return found(Kind.REFUSED, "");
      }
      if (t instanceof UnknownHostException) {
        return found(Kind.UNRESOLVED, message);
      }
      // Netty's NotSslRecordException, shaded inside grpc-netty-shaded: matched by name.
      if (t.getClass().getSimpleName().equals("NotSslRecordException")) {
        return found(Kind.SERVER_NOT_TLS, "");
      }
      if (t instanceof SSLException) {
        Kind kind = tlsKind(t);
        // An untrusted chain's root message ("unable to find valid certification path") adds
        // nothing to the kind's text; a name mismatch's names the names.
        return found(kind, kind == Kind.UNTRUSTED_CERTIFICATE ? "" : rootMessage(t));
      }
    }
    if (description != null && description.contains("Network closed for unknown reason")) {
      return found(Kind.CLOSED_WITHOUT_ANSWER, "");
    }
    return Optional.empty();
  }

  /** The status of {@code e} read as a connection failure, when it is one. */
  public static Optional<ConnectionFailure> of(RemoteEnvException e) {
    return of(e.code(), e.getMessage(), e.getCause());
  }

  /** One phrase for logs and messages: "nothing listens there (connection refused)". */
  public String describe() {
    return kind.text + (detail.isEmpty() ? "" : " (" + detail + ")");
  }

  private static Optional<ConnectionFailure> found(Kind kind, String detail) {
    return Optional.of(new ConnectionFailure(kind, detail));
  }

  private static Kind tlsKind(Throwable handshake) {
    String all = "";
    for (Throwable t = handshake; t != null; t = t.getCause()) {
      all += " " + t.getMessage();
    }
    if (all.contains("unable to find valid certification path")
        || all.contains("PKIX path")
        || all.contains("self signed")) {
      return Kind.UNTRUSTED_CERTIFICATE;
    }
    if (all.contains("No subject alternative") || all.contains("No name matching")) {
      return Kind.NAME_MISMATCH;
    }
    return Kind.TLS_HANDSHAKE;
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
