package io.gymbridge.client;

import io.gymbridge.v1.Value;
import java.time.Duration;
import java.util.Map;

/**
 * Makes the sessions of one {@link RemoteBatchedEnv}: the same env id, kwargs and settings on any
 * server, each checked to have the spaces of the first one made, so envs can move between servers
 * (reconnects, rebalances) without the agent noticing.
 */
final class SessionMaker {
  private final String envId;
  private final Map<String, Value> kwargs;
  private final ClientConfig config;
  private EnvSpaces spaces; // the first session's
  private String spacesFrom;

  SessionMaker(String envId, Map<String, Value> kwargs, ClientConfig config) {
    this.envId = envId;
    this.kwargs = Map.copyOf(kwargs);
    this.config = config;
  }

  /**
   * A session of {@code count} envs on {@code address}.
   *
   * @throws IllegalStateException the server has other spaces for the env than the first session
   *     (the new session is closed)
   * @throws RemoteEnvException the server could not be reached or refused the Make
   */
  RemoteSession open(String address, int count, Duration makeDeadline) {
    RemoteSession session = RemoteSession.open(address, envId, kwargs, count, config, makeDeadline);
    if (spaces == null) {
      spaces = session.spaces();
      spacesFrom = address;
      return session;
    }
    try {
      spaces.requireSame(session.spaces(), envId, spacesFrom, address);
    } catch (IllegalStateException e) {
      session.abandon();
      throw e;
    }
    return session;
  }

  /** The spaces every session has: the first session's. */
  EnvSpaces spaces() {
    return spaces;
  }

  ClientConfig config() {
    return config;
  }
}
