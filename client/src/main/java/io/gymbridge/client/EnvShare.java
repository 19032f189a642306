package io.gymbridge.client;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server's share of a {@link RemoteBatchedEnv}'s envs: envs {@code offset .. offset + count -
 * 1} on one session. A reconnect may move the share to another server; a rebalance replaces it.
 */
final class EnvShare {
  private static final Logger log = LoggerFactory.getLogger(EnvShare.class);

  String address; // where its session lives
  final int offset;
  final int count;
  RemoteSession session;

  /** The seed its envs were last reset with, for env {@code offset}: reconnect seeds hash it. */
  long baseSeed;

  int reconnects;

  EnvShare(String address, int offset, int count) {
    this.address = address;
    this.offset = offset;
    this.count = count;
  }

  /** Same server, same envs: a rebalance keeps such a share's session. */
  boolean sameShareAs(EnvShare other) {
    return address.equals(other.address) && offset == other.offset && count == other.count;
  }

  /**
   * The spread of {@code numEnvs} envs over {@code addresses}, in their order: the first {@code
   * numEnvs % n} get one more, servers left with none get no share.
   */
  static List<EnvShare> plan(List<String> addresses, int numEnvs) {
    List<EnvShare> shares = new ArrayList<>();
    int servers = addresses.size();
    int offset = 0;
    for (int k = 0; k < servers && offset < numEnvs; k++) {
      int count = numEnvs / servers + (k < numEnvs % servers ? 1 : 0);
      shares.add(new EnvShare(addresses.get(k), offset, count));
      offset += count;
    }
    return shares;
  }

  /**
   * Flags its envs restarted in {@code out}: their observations start an episode, no transition.
   */
  void markRestarted(StepBatch out) {
    for (int i = offset; i < offset + count; i++) {
      out.rewards()[i] = 0;
      out.terminated()[i] = false;
      out.truncated()[i] = false;
      out.restarted()[i] = true;
      out.episodeReturns()[i] = Double.NaN;
      out.episodeLengths()[i] = 0;
    }
  }

  /** The shares' envs as ranges, adjacent shares joined: "0..3, 6..7". */
  static String envRanges(List<EnvShare> shares) {
    List<String> ranges = new ArrayList<>();
    int from = -1;
    int to = -1;
    for (EnvShare s : shares) {
      if (s.offset != to + 1 && from >= 0) {
        ranges.add(from + ".." + to);
        from = -1;
      }
      if (from < 0) {
        from = s.offset;
      }
      to = s.offset + s.count - 1;
    }
    if (from >= 0) {
      ranges.add(from + ".." + to);
    }
    return String.join(", ", ranges);
  }

  /** Closes the shares' sessions in parallel (Close, half-close, channel), within closeTimeout. */
  static void closeAll(List<EnvShare> shares, ClientConfig config) {
    List<RemoteSession> begun = new ArrayList<>();
    for (EnvShare s : shares) {
      if (s.session == null) {
        continue; // a rebalance failed before making it
      }
      try {
        if (s.session.beginClose()) {
          begun.add(s.session);
        }
      } catch (RuntimeException e) {
        log.debug("closing the session on {} failed: {}", s.address, e.toString());
      }
    }
    long deadline = config.clock().nanoTime() + config.closeTimeout().toNanos();
    for (RemoteSession session : begun) {
      try {
        session.finishClose(deadline);
      } catch (RuntimeException e) {
        log.debug("closing the session on {} failed: {}", session.address(), e.toString());
      }
    }
  }
}
