package io.gymbridge.server;

import java.time.Duration;

/**
 * Bounds on what a connection or a call may hold before it has proved anything: they apply before
 * the bearer token is checked (health needs none) and whatever the client's share of the budget.
 * Fixed, not options: a legitimate client never comes near them.
 *
 * @param maxHealthRequestBytes the largest grpc.health.v1 request; a service name is short, and
 *     health answers without a token, so it must not get the 64 MiB that Make and Step may
 * @param healthRequestTimeout a health call whose request has not fully arrived by then is refused
 *     DEADLINE_EXCEEDED
 * @param requestTimeout the same for every other call, and a Stream call's first message (a Make
 *     may be 64 MiB on a slow link)
 * @param maxHealthCallsPerClient health calls one client (IP address) may have open at once; more
 *     are refused RESOURCE_EXHAUSTED (orchestrators probe one or two at a time)
 * @param maxCallsPerConnection calls open at once on one connection (HTTP/2
 *     MAX_CONCURRENT_STREAMS): the server's session limit, so a client with every session on one
 *     connection still fits
 * @param handshakeTimeout a connection that has not finished its TLS and HTTP/2 handshake by then
 *     is closed (gRPC's default is 120 s)
 */
record CallLimits(
    int maxHealthRequestBytes,
    Duration healthRequestTimeout,
    Duration requestTimeout,
    int maxHealthCallsPerClient,
    int maxCallsPerConnection,
    Duration handshakeTimeout) {

  static final CallLimits DEFAULTS =
      new CallLimits(
          4096,
          Duration.ofSeconds(10),
          Duration.ofSeconds(60),
          16,
          ServerConfig.DEFAULT_MAX_SESSIONS,
          Duration.ofSeconds(20));

  CallLimits withTimeouts(Duration health, Duration other) {
    return new CallLimits(
        maxHealthRequestBytes,
        health,
        other,
        maxHealthCallsPerClient,
        maxCallsPerConnection,
        handshakeTimeout);
  }
}
