package io.gymbridge.transport;

import io.grpc.ChannelCredentials;
import io.grpc.CompositeChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannelBuilder;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How a client dials a gymbridge server: plaintext or TLS, the roots that verify the server's
 * certificate (a CA file, or the system's), a client certificate for servers that require mutual
 * TLS, a bearer token sent with every call, and the name to check the server's certificate against
 * when it differs from the dialed host (dialing an IP, a tunnel).
 *
 * @param token bearer token, or null; never printed ({@link #toString})
 * @param tls dial with TLS (implied by any of the files)
 * @param caFile PEM roots that verify the server, or null for the system's
 * @param certFile PEM client certificate chain for mutual TLS, or null
 * @param keyFile PEM private key of {@code certFile}, or null
 * @param serverName the name the server's certificate must carry, or null for the dialed host
 */
public record ClientSecurity(
    String token, boolean tls, Path caFile, Path certFile, Path keyFile, String serverName) {

  public ClientSecurity {
    if ((certFile == null) != (keyFile == null)) {
      throw new IllegalArgumentException(
          "--tls-cert and --tls-key go together: give both or neither");
    }
    tls = tls || caFile != null || certFile != null || serverName != null;
    for (Path p : new Path[] {caFile, certFile, keyFile}) {
      if (p != null && !Files.isReadable(p)) {
        throw new IllegalArgumentException("cannot read the TLS file " + p);
      }
    }
  }

  /** No TLS, no token: a server on loopback or a trusted network. */
  public static ClientSecurity plaintext() {
    return new ClientSecurity(null, false, null, null, null, null);
  }

  /** This with a bearer token. */
  public ClientSecurity withToken(String newToken) {
    return new ClientSecurity(newToken, tls, caFile, certFile, keyFile, serverName);
  }

  /** The channel credentials: TLS or plaintext, with the token on every call. */
  public ChannelCredentials channelCredentials() {
    ChannelCredentials transport;
    if (tls) {
      TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
      try {
        if (caFile != null) {
          b.trustManager(caFile.toFile());
        }
        if (certFile != null) {
          b.keyManager(certFile.toFile(), keyFile.toFile());
        }
      } catch (IOException | RuntimeException e) {
        throw new IllegalArgumentException("cannot load the TLS files: " + e.getMessage(), e);
      }
      transport = b.build();
    } else {
      transport = InsecureChannelCredentials.create();
    }
    return token == null
        ? transport
        : CompositeChannelCredentials.create(transport, new BearerToken(token));
  }

  /** A channel builder for {@code target} with these credentials (and the server name, if set). */
  public ManagedChannelBuilder<?> channelBuilder(String target) {
    ManagedChannelBuilder<?> b = Grpc.newChannelBuilder(target, channelCredentials());
    if (serverName != null) {
      b.overrideAuthority(serverName);
    }
    return b;
  }

  /** Describes the security without the token: for logs and errors. */
  @Override
  public String toString() {
    if (!tls) {
      return token == null ? "plaintext" : "plaintext with a bearer token";
    }
    StringBuilder s = new StringBuilder("TLS");
    s.append(caFile != null ? " (CA " + caFile + ")" : " (system roots)");
    if (certFile != null) {
      s.append(", client certificate ").append(certFile);
    }
    if (serverName != null) {
      s.append(", server name ").append(serverName);
    }
    if (token != null) {
      s.append(", bearer token");
    }
    return s.toString();
  }
}
