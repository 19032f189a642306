package io.gymbridge.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The one way a {@link RemoteBatchedEnv} talks to its sessions: every request is sent before any
 * answer is awaited, so the servers work in parallel, and the sessions found lost while awaiting
 * are collected for the {@link Reconnector} instead of failing the batch.
 */
final class Requests {
  private Requests() {}

  /** Reads the answer to one share's request into the batch. */
  interface Await {
    void await(EnvShare share, StreamClient.Pending sent);
  }

  /**
   * Awaits {@code sent[k]} for {@code shares.get(k)} (null entries: nothing was sent) and returns
   * the shares whose session was lost, with why.
   */
  static List<Reconnector.Lost> awaitAll(
      List<EnvShare> shares, StreamClient.Pending[] sent, Await await) {
    List<Reconnector.Lost> lost = new ArrayList<>();
    for (int k = 0; k < shares.size(); k++) {
      if (sent[k] == null) {
        continue;
      }
      try {
        await.await(shares.get(k), sent[k]);
      } catch (SessionLostException e) {
        lost.add(new Reconnector.Lost(shares.get(k), e));
      }
    }
    return lost;
  }

  /** Resets each share's envs from its {@code baseSeed} into {@code out}; returns those lost. */
  static List<Reconnector.Lost> resetAll(List<EnvShare> shares, StepBatch out, Duration deadline) {
    StreamClient.Pending[] sent = new StreamClient.Pending[shares.size()];
    for (int k = 0; k < shares.size(); k++) {
      sent[k] = shares.get(k).session.sendReset(shares.get(k).baseSeed);
    }
    return awaitAll(shares, sent, (s, p) -> s.session.awaitReset(p, out, s.offset, deadline));
  }
}
