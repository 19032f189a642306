package io.gymbridge.transport;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import java.util.concurrent.Executor;

/** Sends {@code authorization: Bearer <token>} with every call of a channel. */
final class BearerToken extends CallCredentials {
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final Metadata headers = new Metadata();

  BearerToken(String token) {
    headers.put(AUTHORIZATION, "Bearer " + token);
  }

  @Override
  public void applyRequestMetadata(
      RequestInfo requestInfo, Executor appExecutor, MetadataApplier applier) {
    // Sent over plaintext too: a server on a trusted network may check tokens without TLS.
    Metadata copy = new Metadata();
    copy.merge(headers);
    applier.apply(copy);
  }

  @Override
  public String toString() {
    return "BearerToken[redacted]";
  }
}
