package io.gymbridge.client;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a {@link RemoteBatchedEnv}'s servers are: the addresses given to connect, and a source
 * asked again whenever it matters ({@link RemoteBatchedEnv#followServers}; a DNS name resolved
 * again), which both reconnecting and rebalancing read. While the source throws, the list counts as
 * unreadable: reconnects fall back to the given addresses, rebalancing leaves the spread alone.
 */
final class ServerList {
  private static final Logger log = LoggerFactory.getLogger(ServerList.class);

  private final List<String> given;
  private Supplier<List<String>> source;

  ServerList(List<String> given) {
    this.given = List.copyOf(given);
    this.source = () -> this.given;
  }

  void follow(Supplier<List<String>> newSource) {
    this.source = newSource;
  }

  /** The addresses given to connect. */
  List<String> given() {
    return given;
  }

  /** The list's distinct addresses now, in its order; null while it cannot be read. */
  List<String> listed() {
    try {
      return source.get().stream().distinct().toList();
    } catch (RuntimeException e) {
      log.debug("server list unavailable: {}", e.getMessage());
      return null;
    }
  }

  /** Whether the list still names {@code address} (or cannot be read now). */
  boolean stillListed(String address) {
    List<String> listed = listed();
    return listed == null || listed.contains(address);
  }

  /**
   * The {@code k}-th address for a session lost from {@code own} to try, cycling through the list
   * as it is now: {@code own} first while listed. While the list cannot be read, the given
   * addresses, {@code own} first.
   */
  String candidate(String own, int k) {
    List<String> listed = listed();
    List<String> all = new ArrayList<>();
    if (listed == null || listed.contains(own)) {
      all.add(own);
    }
    for (String a : listed == null ? given : listed) {
      if (!all.contains(a)) {
        all.add(a);
      }
    }
    if (all.isEmpty()) {
      all.add(own); // an empty list: nowhere else to go
    }
    return all.get(k % all.size());
  }
}
