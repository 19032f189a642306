package io.gymbridge.client;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@link ServerAddresses#resolve} waited its whole time and some servers were still not SERVING:
 * which ones, and why each (a refused connection, a name that does not resolve, NOT_SERVING).
 */
public final class ServersNotReadyException extends IllegalStateException {
  private final Map<String, String> notReady;
  private final Map<String, ConnectionFailure> failures;

  ServersNotReadyException(
      Duration waited, Map<String, String> notReady, Map<String, ConnectionFailure> failures) {
    super(
        "env servers not ready after waiting "
            + waited.toSeconds()
            + " s (--wait-for-servers): "
            + describe(notReady));
    this.notReady = Collections.unmodifiableMap(new LinkedHashMap<>(notReady));
    this.failures = Map.copyOf(failures);
  }

  /** Each server (address, or a dns:/// name that did not resolve) not ready, with why. */
  public Map<String, String> notReady() {
    return notReady;
  }

  /** Why the connection to {@code address} failed, when that is what kept it from being ready. */
  public Optional<ConnectionFailure> failure(String address) {
    return Optional.ofNullable(failures.get(address));
  }

  /** "127.0.0.1:1 (UNAVAILABLE: nothing listens there ...), b:2 (NOT_SERVING)". */
  static String describe(Map<String, String> notReady) {
    return notReady.entrySet().stream()
        .map(e -> e.getKey() + " (" + e.getValue() + ")")
        .collect(Collectors.joining(", "));
  }
}
