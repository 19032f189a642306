package io.gymbridge.server;

import java.util.HashMap;
import java.util.Map;

/**
 * What the server's sessions may hold, all together and per client: a number of sessions
 * (--max-sessions) and an estimate of their envs' memory (--max-env-memory-mb), so that a server
 * asked for too many Atari envs refuses the Make (RESOURCE_EXHAUSTED) instead of being killed for
 * running out of memory. A client, one remote IP address, may hold at most a share of each
 * (--max-client-share, default one half), so that one client cannot take the whole server and
 * another always finds room; a share of 1 turns that off. Clients behind one proxy or NAT count as
 * one.
 */
final class EnvBudget {
  /** A session's hold on the budget, given back with {@link #release}. */
  static final class Charge {
    private final String client;
    private long bytes;

    private Charge(String client) {
      this.client = client;
    }

    String client() {
      return client;
    }

    long bytes() {
      return bytes;
    }
  }

  private final int maxSessions;
  private final long maxBytes;
  private final int clientMaxSessions;
  private final long clientMaxBytes;

  // Guarded by this.
  private int sessions;
  private long bytes;
  private final Map<String, long[]> byClient = new HashMap<>(); // {sessions, bytes}

  EnvBudget(int maxSessions, long maxBytes, double clientShare) {
    this.maxSessions = maxSessions;
    this.maxBytes = maxBytes;
    this.clientMaxSessions = Math.max(1, (int) Math.floor(maxSessions * clientShare));
    this.clientMaxBytes = (long) Math.floor(maxBytes * clientShare);
  }

  /**
   * Takes one session for {@code client}, or throws {@link LimitExceededException} (clients see
   * RESOURCE_EXHAUSTED) saying which limit.
   */
  synchronized Charge reserveSession(String client) {
    long[] mine = byClient.getOrDefault(client, new long[2]);
    if (sessions >= maxSessions) {
      throw new LimitExceededException(
          "this server already has "
              + sessions
              + " of its "
              + maxSessions
              + " sessions open (--max-sessions); close sessions you no longer use, or retry"
              + " later");
    }
    if (mine[0] >= clientMaxSessions) {
      throw new LimitExceededException(
          "client "
              + client
              + " already holds "
              + mine[0]
              + " sessions, its share of this server's "
              + maxSessions
              + " (--max-client-share); close sessions you no longer use, or use another server");
    }
    sessions++;
    mine[0]++;
    byClient.put(client, mine);
    return new Charge(client);
  }

  /**
   * Adds {@code more} bytes to a session's charge, or throws {@link LimitExceededException} (the
   * charge is unchanged) when the server's or the client's memory for envs would run over.
   *
   * @param what the envs, for the message ("64 envs of ALE/Breakout-v5")
   */
  synchronized void reserveBytes(Charge charge, long more, String what) {
    long[] mine = byClient.get(charge.client);
    if (bytes + more > maxBytes) {
      throw new LimitExceededException(
          what
              + " need about "
              + mib(more)
              + " MiB, but only "
              + mib(maxBytes - bytes)
              + " MiB of this server's "
              + mib(maxBytes)
              + " MiB for envs are left (--max-env-memory-mb); use fewer envs or another server");
    }
    if (mine[1] + more > clientMaxBytes) {
      throw new LimitExceededException(
          what
              + " need about "
              + mib(more)
              + " MiB; client "
              + charge.client
              + " already holds "
              + mib(mine[1])
              + " MiB of its "
              + mib(clientMaxBytes)
              + " MiB share (--max-client-share); use fewer envs or another server");
    }
    bytes += more;
    mine[1] += more;
    charge.bytes += more;
  }

  /** Gives a session's charge back. Call once per charge. */
  synchronized void release(Charge charge) {
    sessions--;
    bytes -= charge.bytes;
    long[] mine = byClient.get(charge.client);
    mine[0]--;
    mine[1] -= charge.bytes;
    if (mine[0] == 0) {
      byClient.remove(charge.client);
    }
  }

  synchronized int sessions() {
    return sessions;
  }

  synchronized long bytes() {
    return bytes;
  }

  private static long mib(long bytes) {
    return (bytes + (1 << 20) - 1) >> 20;
  }
}
