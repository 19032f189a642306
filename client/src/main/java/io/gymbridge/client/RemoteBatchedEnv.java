package io.gymbridge.client;

import io.grpc.Status;
import io.gymbridge.v1.Value;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code numEnvs} envs of one env id spread over one or more servers: one {@link RemoteSession} per
 * server, each on its own channel, the envs split as evenly as possible (the first {@code numEnvs %
 * servers} servers get one more; servers left with none get no session). Env indices run server
 * after server in the order the addresses were given.
 *
 * <p>A reset or step sends every session's request before waiting for any answer, so the servers
 * work in parallel. Seeding is independent of the spread: {@code reset(seed)} gives env i the seed
 * {@code seed + i} whichever server holds it.
 *
 * <p>The server list: {@link #followServers} names where the servers are now (by default the
 * addresses given to {@link #connect}; the agent re-resolves its {@code dns:///} names). It serves
 * two purposes, reconnecting and rebalancing.
 *
 * <p>Reconnecting: when a session is lost ({@link SessionLostException}: the server went away, the
 * stream broke, a deadline passed, the server forgot the session), that session alone is replaced
 * by a fresh one, retried with exponential backoff within {@link ClientConfig#reconnectBudget()}:
 * on the same address for the first quarter of the budget (at most 10 s, {@link #ownServerPhase}),
 * so a restarted server gets its envs back, then on each address of the server list in turn, so the
 * envs of a server gone for good move to the others (or to the new address of a DNS name). An
 * address no longer in the list (a scaled-down replica) is not waited for. The fresh session is
 * reset with a seed derived from its last reset seed and its reconnect count (a SplitMix64 hash,
 * below 2^30). Its envs come back with {@link StepBatch#restarted()} set; the other sessions' envs
 * step normally. Each reconnect logs one line. When the budget runs out the call throws a {@link
 * RemoteEnvException} naming the server, what failed, and how long reconnecting was tried. Servers
 * that cannot be reached when connecting fail at once: there is no session to lose yet, and a wrong
 * address should not take a minute to report.
 *
 * <p>Rebalancing: every {@link ClientConfig#rebalanceInterval()}, at the start of a step or reset
 * (never with a step in flight), the server list is read again. If its distinct addresses are not
 * the ones the sessions use, the envs are spread over them anew by the rule above: sessions whose
 * server and envs stay the same keep running untouched, the others are closed and their envs made
 * on fresh sessions, reset with seeds derived from the last reset seed and the rebalance count
 * ({@link #rebalanceSeed}) and reported restarted, as after a reconnect. An address that cannot
 * take its share yet (refused, not serving) is left out until the next check; a list that cannot be
 * read (the name does not resolve at the moment) leaves the spread as it is. One line is logged per
 * rebalance.
 *
 * <p>Not thread-safe: one caller drives it.
 */
public final class RemoteBatchedEnv implements BatchedEnv {
  private static final Logger log = LoggerFactory.getLogger(RemoteBatchedEnv.class);

  /** One server's share of the envs. */
  private static final class Slot {
    String address; // where its session lives: a reconnect may move it to another server
    final int offset;
    final int count;
    RemoteSession session;
    long baseSeed;
    int reconnects;

    Slot(String address, int offset, int count) {
      this.address = address;
      this.offset = offset;
      this.count = count;
    }

    /** Same server, same envs: a rebalance keeps such a slot's session. */
    boolean sameShareAs(Slot other) {
      return address.equals(other.address) && offset == other.offset && count == other.count;
    }
  }

  private final String envId;
  private final Map<String, Value> kwargs;
  private final ClientConfig config;
  private final int numEnvs;
  private final int obsSize;
  private final long[] obsShape;
  private final ObsType obsType;
  private final int numActions;
  private List<Slot> slots; // a rebalance replaces it
  private final List<String> addresses;
  private Supplier<List<String>> serverList;
  private final io.gymbridge.v1.EnvSpec spec;
  private boolean wasReset;
  private long lastResetSeed;
  private long nextRebalanceCheckNanos;

  /**
   * The requests of the step sent and not yet awaited, or null; null entries are slots a rebalance
   * just made, whose reset observations are already in {@link #stepOut}.
   */
  private StreamClient.Pending[] stepInFlight;

  private StepBatch stepOut;

  private boolean closed;
  private long reconnects;
  private int rebalances;

  private RemoteBatchedEnv(
      String envId,
      Map<String, Value> kwargs,
      ClientConfig config,
      int numEnvs,
      List<Slot> slots,
      List<String> addresses) {
    this.envId = envId;
    this.kwargs = kwargs;
    this.config = config;
    this.numEnvs = numEnvs;
    this.slots = slots;
    this.addresses = addresses;
    this.serverList = () -> addresses;
    this.nextRebalanceCheckNanos = System.nanoTime() + rebalanceIntervalNanos();
    this.obsSize = slots.get(0).session.observationSize();
    this.obsShape = slots.get(0).session.observationShape();
    this.obsType = slots.get(0).session.observationType();
    this.numActions = slots.get(0).session.numActions();
    this.spec = slots.get(0).session.spec();
  }

  /** The env's spec as the first server reported it (time limit, reward threshold, spaces). */
  public io.gymbridge.v1.EnvSpec spec() {
    return spec;
  }

  /** {@link #connect(List, String, int, ClientConfig)} with {@link ClientConfig#defaults()}. */
  public static RemoteBatchedEnv connect(List<String> addresses, String envId, int numEnvs) {
    return connect(addresses, envId, numEnvs, ClientConfig.defaults());
  }

  /**
   * Makes one session per server ({@code host:port} each; the same address may appear twice for two
   * sessions on one server). The envs still need a {@link #reset}.
   *
   * @throws IllegalArgumentException no addresses, a malformed one, or numEnvs < 1
   * @throws RemoteEnvException a server could not be reached or refused the Make; sessions already
   *     made are closed
   * @throws UnsupportedOperationException the env's observations are not a float32 or uint8 Box, or
   *     its actions not Discrete
   */
  public static RemoteBatchedEnv connect(
      List<String> addresses, String envId, int numEnvs, ClientConfig config) {
    return connect(addresses, envId, Map.of(), numEnvs, config);
  }

  /**
   * As {@link #connect(List, String, int, ClientConfig)}, making the env with {@code kwargs}
   * ({@code gymnasium.make(envId, **kwargs)}; reconnects make it with the same kwargs).
   */
  public static RemoteBatchedEnv connect(
      List<String> addresses,
      String envId,
      Map<String, Value> kwargs,
      int numEnvs,
      ClientConfig config) {
    if (addresses.isEmpty()) {
      throw new IllegalArgumentException("addresses: expected at least one host:port, got none");
    }
    addresses.forEach(RemoteSession::checkAddress);
    if (numEnvs < 1) {
      throw new IllegalArgumentException("numEnvs must be >= 1, got " + numEnvs);
    }
    List<Slot> slots = plan(addresses, numEnvs);
    try {
      for (Slot s : slots) {
        s.session =
            RemoteSession.open(s.address, envId, kwargs, s.count, config, config.makeDeadline());
        RemoteSession first = slots.get(0).session;
        if (!Arrays.equals(s.session.observationShape(), first.observationShape())
            || s.session.observationType() != first.observationType()
            || s.session.numActions() != first.numActions()) {
          throw new IllegalStateException(
              "servers disagree on the spaces of "
                  + envId
                  + ": "
                  + first.address()
                  + " has observations "
                  + Arrays.toString(first.observationShape())
                  + " and "
                  + first.numActions()
                  + " actions, "
                  + s.address
                  + " has "
                  + Arrays.toString(s.session.observationShape())
                  + " and "
                  + s.session.numActions());
        }
      }
    } catch (RuntimeException e) {
      for (Slot s : slots) {
        if (s.session != null) {
          s.session.close();
        }
      }
      throw e;
    }
    return new RemoteBatchedEnv(
        envId, Map.copyOf(kwargs), config, numEnvs, slots, List.copyOf(addresses));
  }

  /**
   * The spread of {@code numEnvs} envs over {@code addresses}, in their order: the first {@code
   * numEnvs % n} get one more, servers left with none get no slot.
   */
  private static List<Slot> plan(List<String> addresses, int numEnvs) {
    List<Slot> slots = new ArrayList<>();
    int servers = addresses.size();
    int offset = 0;
    for (int k = 0; k < servers && offset < numEnvs; k++) {
      int count = numEnvs / servers + (k < numEnvs % servers ? 1 : 0);
      slots.add(new Slot(addresses.get(k), offset, count));
      offset += count;
    }
    return slots;
  }

  @Override
  public int numEnvs() {
    return numEnvs;
  }

  @Override
  public int observationSize() {
    return obsSize;
  }

  @Override
  public long[] observationShape() {
    return obsShape.clone();
  }

  @Override
  public ObsType observationType() {
    return obsType;
  }

  @Override
  public int numActions() {
    return numActions;
  }

  /** The addresses given to {@link #connect}. */
  public List<String> addresses() {
    return addresses;
  }

  /** Where each session lives now, in env order: reconnects and rebalances may have moved some. */
  public List<String> sessionAddresses() {
    return slots.stream().map(s -> s.address).toList();
  }

  /**
   * Where the servers are: {@code source} is asked again whenever it matters (e.g. a DNS name
   * resolved again), so that a lost session may be replaced on any address it gives at that moment
   * (a server back at a new address is found; one that left it is not waited for), and so that
   * every {@link ClientConfig#rebalanceInterval()} the envs are spread over the addresses it gives
   * (see the class doc). Default: the addresses given to {@link #connect}. While {@code source}
   * throws, reconnects try those addresses and rebalancing keeps the spread as it is.
   */
  public void followServers(Supplier<List<String>> source) {
    this.serverList = source;
  }

  /** Envs held by each session, in env order (servers with no envs are left out). */
  public int[] envsPerSession() {
    return slots.stream().mapToInt(s -> s.count).toArray();
  }

  /** Sessions replaced so far, over all servers. */
  public long reconnects() {
    return reconnects;
  }

  /** Times the envs were spread anew over a changed server list. */
  public int rebalances() {
    return rebalances;
  }

  /**
   * Resets every env; env i gets {@code seed + i}. A session lost during the reset is replaced and
   * reset with the same seeds (its envs are flagged restarted).
   *
   * @throws IllegalArgumentException seed < 0, or seed + numEnvs - 1 overflows
   * @throws IllegalStateException a step is in flight
   */
  @Override
  public StepBatch reset(long seed) {
    checkOpen();
    if (stepInFlight != null) {
      throw new IllegalStateException("a step is in flight: call awaitStep() before reset");
    }
    if (seed < 0 || seed > Long.MAX_VALUE - (numEnvs - 1)) {
      throw new IllegalArgumentException(
          "seed must be in 0.." + (Long.MAX_VALUE - (numEnvs - 1)) + ", got " + seed);
    }
    // Every env is reset below anyway: what the rebalance's fresh sessions returned is not needed.
    maybeRebalance(newBatch());
    lastResetSeed = seed;
    StepBatch out = newBatch();
    StreamClient.Pending[] pending = new StreamClient.Pending[slots.size()];
    for (int k = 0; k < slots.size(); k++) {
      Slot s = slots.get(k);
      s.baseSeed = seed + s.offset;
      pending[k] = s.session.sendReset(s.baseSeed);
    }
    List<Integer> lost = new ArrayList<>();
    List<SessionLostException> causes = new ArrayList<>();
    for (int k = 0; k < slots.size(); k++) {
      Slot s = slots.get(k);
      try {
        s.session.awaitReset(pending[k], out, s.offset, config.resetDeadline());
      } catch (SessionLostException e) {
        lost.add(k);
        causes.add(e);
      }
    }
    wasReset = true;
    reconnectAll(lost, causes, out, true);
    return out;
  }

  /**
   * Sends every env its action and returns without waiting; {@link #awaitStep} collects the result.
   * One step may be in flight at a time.
   *
   * @throws IllegalStateException before the first reset, after close, or with a step in flight
   * @throws IllegalArgumentException wrong number of actions or one outside [0, numActions)
   */
  @Override
  public void sendStep(int[] actions) {
    checkOpen();
    if (!wasReset) {
      throw new IllegalStateException("step before reset: call reset(seed) first");
    }
    if (stepInFlight != null) {
      throw new IllegalStateException("a step is already in flight: call awaitStep() first");
    }
    if (actions.length != numEnvs) {
      throw new IllegalArgumentException(
          "actions: expected " + numEnvs + " (one per env), got " + actions.length);
    }
    for (int i = 0; i < numEnvs; i++) {
      if (actions[i] < 0 || actions[i] >= numActions) {
        throw new IllegalArgumentException(
            "actions[" + i + "]: expected 0.." + (numActions - 1) + ", got " + actions[i]);
      }
    }
    StepBatch out = newBatch();
    List<Slot> fresh = maybeRebalance(out);
    StreamClient.Pending[] pending = new StreamClient.Pending[slots.size()];
    for (int k = 0; k < slots.size(); k++) {
      Slot s = slots.get(k);
      // A fresh slot's envs were just reset: their reset is this step's result, as on a reconnect.
      if (!fresh.contains(s)) {
        pending[k] = s.session.sendStep(actions, s.offset);
      }
    }
    stepInFlight = pending;
    stepOut = out;
  }

  /**
   * Waits for the step {@link #sendStep} sent. Envs whose session had to be replaced come back
   * restarted (see the class doc).
   *
   * @throws IllegalStateException no step in flight
   * @throws RemoteEnvException a request failed in a way a new session cannot fix, or a lost
   *     session could not be replaced within the reconnect budget
   */
  @Override
  public StepBatch awaitStep() {
    checkOpen();
    StreamClient.Pending[] pending = stepInFlight;
    if (pending == null) {
      throw new IllegalStateException("no step in flight: call sendStep(actions) first");
    }
    stepInFlight = null;
    StepBatch out = stepOut;
    stepOut = null;
    List<Integer> lost = new ArrayList<>();
    List<SessionLostException> causes = new ArrayList<>();
    for (int k = 0; k < slots.size(); k++) {
      Slot s = slots.get(k);
      if (pending[k] == null) {
        continue;
      }
      try {
        s.session.awaitStep(pending[k], out, s.offset);
      } catch (SessionLostException e) {
        lost.add(k);
        causes.add(e);
      }
    }
    reconnectAll(lost, causes, out, false);
    return out;
  }

  /**
   * Reads the server list again once the rebalance interval has passed and, when its addresses are
   * not the ones the sessions use, spreads the envs over them anew. Returns the slots made fresh,
   * whose envs are reset in {@code out} and flagged restarted; empty when nothing moved.
   */
  private List<Slot> maybeRebalance(StepBatch out) {
    Duration interval = config.rebalanceInterval();
    if (interval.isZero()
        || interval.isNegative()
        || System.nanoTime() - nextRebalanceCheckNanos < 0) {
      return List.of();
    }
    try {
      return rebalance(out);
    } finally {
      // Counted from the end, so that a slow rebalance is not followed by another at once.
      nextRebalanceCheckNanos = System.nanoTime() + rebalanceIntervalNanos();
    }
  }

  /**
   * The interval in nanoseconds, capped at a century so that "practically never" cannot overflow.
   */
  private long rebalanceIntervalNanos() {
    return min(config.rebalanceInterval(), Duration.ofDays(36_500)).toNanos();
  }

  private List<Slot> rebalance(StepBatch out) {
    List<String> listed = listedServers();
    // Only a change of servers moves envs: two sessions on one server (given twice to connect, or
    // doubled up by a reconnect) stay as they are while that server is all the list names.
    if (listed == null
        || listed.isEmpty()
        || new HashSet<>(listed).equals(new HashSet<>(sessionAddresses()))) {
      return List.of();
    }
    long start = System.nanoTime();
    List<String> usable = new ArrayList<>(listed);
    while (!usable.isEmpty()) {
      List<Slot> target = keepingUnchangedSlots(plan(usable, numEnvs));
      List<Slot> fresh = target.stream().filter(t -> !slots.contains(t)).toList();
      if (fresh.isEmpty()) {
        return List.of(); // the spread of now: the addresses it lacks get no envs or are not ready
      }
      String notReady = openOnNewServers(fresh);
      if (notReady == null) {
        List<String> before = sessionAddresses().stream().distinct().toList();
        switchTo(target, fresh, out);
        logRebalance(before, fresh, start);
        return fresh;
      }
      usable.remove(notReady); // and plan again without it: the others need not wait for it
    }
    return List.of();
  }

  /** {@code planned} with each slot that matches one of ours replaced by ours, session and all. */
  private List<Slot> keepingUnchangedSlots(List<Slot> planned) {
    return planned.stream()
        .map(p -> slots.stream().filter(p::sameShareAs).findFirst().orElse(p))
        .toList();
  }

  /**
   * Opens the fresh slots' sessions on servers that hold none of our envs yet: a new replica may
   * not be ready. When one fails, closes those opened and returns its address, leaving the spread
   * as it was; null when all opened. (Servers in use get theirs in {@link #switchTo}, once the
   * sessions they drop have made room.)
   */
  private String openOnNewServers(List<Slot> fresh) {
    List<String> inUse = sessionAddresses();
    for (Slot s : fresh) {
      if (inUse.contains(s.address)) {
        continue;
      }
      try {
        s.session = openSession(s.address, s.count, config.makeDeadline());
      } catch (RuntimeException e) {
        log.warn(
            "rebalance: leaving {} out until the next check in {} s: {}",
            s.address,
            config.rebalanceInterval().toMillis() / 1000.0,
            e.getMessage());
        closeSessions(fresh);
        fresh.forEach(f -> f.session = null);
        return s.address;
      }
    }
    return null;
  }

  /**
   * Makes {@code target} the spread: closes the sessions it drops, opens the fresh slots' sessions
   * left to open and resets every fresh slot with its {@link #rebalanceSeed}. A fresh session that
   * fails here is reconnected like any lost session (on its own server only if it is still listed),
   * so no env is left without one.
   */
  private void switchTo(List<Slot> target, List<Slot> fresh, StepBatch out) {
    rebalances++;
    closeSessions(slots.stream().filter(s -> !target.contains(s)).toList());
    slots = new ArrayList<>(target);
    List<Slot> lost = new ArrayList<>();
    List<SessionLostException> causes = new ArrayList<>();
    for (Slot s : fresh) {
      s.baseSeed = rebalanceSeed(lastResetSeed, s.offset, rebalances);
      if (s.session == null) {
        try {
          s.session = openSession(s.address, s.count, config.makeDeadline());
        } catch (RuntimeException e) {
          lost.add(s);
          causes.add(asLost(s.address, e));
        }
      }
    }
    List<Slot> resetting = fresh.stream().filter(s -> !lost.contains(s)).toList();
    List<StreamClient.Pending> pending = new ArrayList<>();
    for (Slot s : resetting) {
      pending.add(s.session.sendReset(s.baseSeed));
    }
    for (int j = 0; j < resetting.size(); j++) {
      Slot s = resetting.get(j);
      try {
        s.session.awaitReset(pending.get(j), out, s.offset, config.resetDeadline());
      } catch (SessionLostException e) {
        lost.add(s);
        causes.add(e);
      }
    }
    long deadline = System.nanoTime() + config.reconnectBudget().toNanos();
    for (int j = 0; j < lost.size(); j++) {
      reconnect(lost.get(j), causes.get(j), out, false, deadline);
    }
    fresh.forEach(s -> markRestarted(s, out));
  }

  private static SessionLostException asLost(String address, RuntimeException e) {
    if (e instanceof SessionLostException lost) {
      return lost;
    }
    Status.Code code = e instanceof RemoteEnvException r ? r.code() : Status.Code.UNKNOWN;
    return new SessionLostException(
        address, code, "making a session on " + address + " failed: " + e.getMessage(), e);
  }

  private void logRebalance(List<String> before, List<Slot> fresh, long startNanos) {
    Map<String, Integer> perServer = new LinkedHashMap<>();
    slots.forEach(s -> perServer.merge(s.address, s.count, Integer::sum));
    log.info(
        "rebalanced {} envs from {} to {} (envs per server) in {} ms; envs {} restarted",
        numEnvs,
        before,
        perServer,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos),
        envRanges(fresh));
  }

  /** The slots' envs as ranges, adjacent slots joined: "0..3, 6..7". */
  private static String envRanges(List<Slot> slots) {
    List<String> ranges = new ArrayList<>();
    int from = -1;
    int to = -1;
    for (Slot s : slots) {
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

  private StepBatch newBatch() {
    return StepBatch.empty(numEnvs, obsSize, obsType);
  }

  /** Replaces the lost sessions, sharing one budget that starts now. */
  private void reconnectAll(
      List<Integer> lost, List<SessionLostException> causes, StepBatch out, boolean inReset) {
    if (lost.isEmpty()) {
      return;
    }
    long deadline = System.nanoTime() + config.reconnectBudget().toNanos();
    for (int j = 0; j < lost.size(); j++) {
      reconnect(slots.get(lost.get(j)), causes.get(j), out, inReset, deadline);
    }
  }

  private void reconnect(
      Slot s, SessionLostException cause, StepBatch out, boolean inReset, long deadlineNanos) {
    if (s.session != null) {
      s.session.abandon();
    }
    s.reconnects++;
    reconnects++;
    long seed = inReset ? s.baseSeed : reconnectSeed(s.baseSeed, s.reconnects);
    long start = System.nanoTime();
    String lostFrom = s.address;
    ReconnectTargets targets = new ReconnectTargets(lostFrom, start);
    long backoff = config.reconnectInitialBackoff().toNanos();
    int attempts = 0;
    RemoteEnvException last = cause;
    while (System.nanoTime() < deadlineNanos) {
      attempts++;
      String target = targets.next();
      try {
        s.session = openAndReset(target, s, seed, out, cause, deadlineNanos);
      } catch (SessionLostException e) {
        last = e;
        log.debug("reconnect attempt {} to {} failed: {}", attempts, target, e.getMessage());
        pause(s, cause, backoff, deadlineNanos);
        backoff = Math.min(backoff * 2, config.reconnectMaxBackoff().toNanos());
        continue;
      }
      s.address = target;
      if (!inReset) {
        s.baseSeed = seed;
      }
      markRestarted(s, out);
      log.warn(
          "reconnected to {}{} after {} attempt(s) in {} ms: envs {}..{} restarted with seed {}"
              + " (lost: {})",
          target,
          target.equals(lostFrom) ? "" : " (moved from " + lostFrom + ")",
          attempts,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
          s.offset,
          s.offset + s.count - 1,
          seed,
          cause.getMessage());
      return;
    }
    throw new RemoteEnvException(
        s.address,
        last.code(),
        String.format(
            "server %s is gone: %s; reconnecting was retried for %.1f s (%d attempts, budget %s)"
                + " without success; last error: %s",
            s.address,
            cause.getMessage(),
            (System.nanoTime() - start) / 1e9,
            attempts,
            config.reconnectBudget(),
            last.getMessage()),
        last);
  }

  /**
   * Where a lost session tries next: its own server for the first {@link #ownServerPhase} of the
   * budget (a restarted server gets its envs back), unless the server list no longer names it (a
   * replica scaled down is not coming back, and DNS may catch up while we wait); then each address
   * of the list in turn.
   */
  private final class ReconnectTargets {
    private final String lostFrom;
    private long ownPhaseEnd;
    private int elsewhere;
    private boolean first = true;

    ReconnectTargets(String lostFrom, long startNanos) {
      this.lostFrom = lostFrom;
      this.ownPhaseEnd =
          stillListed(lostFrom)
              ? startNanos + ownServerPhase(config.reconnectBudget()).toNanos()
              : startNanos;
    }

    String next() {
      long now = System.nanoTime();
      if (!first && now < ownPhaseEnd && !stillListed(lostFrom)) {
        ownPhaseEnd = now;
      }
      first = false;
      return now < ownPhaseEnd ? lostFrom : candidate(lostFrom, elsewhere++);
    }
  }

  /**
   * A fresh session for slot {@code s} on {@code target}, reset with {@code seed} into {@code out},
   * within what is left of the deadline.
   *
   * @throws SessionLostException this attempt failed in a way a retry may fix
   * @throws RemoteEnvException it failed in a way no retry can fix (the env id is unknown there...)
   */
  private RemoteSession openAndReset(
      String target,
      Slot s,
      long seed,
      StepBatch out,
      SessionLostException cause,
      long deadlineNanos) {
    RemoteSession fresh = null;
    try {
      Duration left = Duration.ofNanos(Math.max(1, deadlineNanos - System.nanoTime()));
      fresh = openSession(target, s.count, min(config.makeDeadline(), left));
      left = Duration.ofNanos(Math.max(1, deadlineNanos - System.nanoTime()));
      fresh.awaitReset(fresh.sendReset(seed), out, s.offset, min(config.resetDeadline(), left));
      return fresh;
    } catch (SessionLostException e) {
      if (fresh != null) {
        fresh.abandon();
      }
      throw e;
    } catch (RuntimeException e) {
      if (fresh != null) {
        fresh.abandon();
      }
      throw new RemoteEnvException(
          s.address,
          e instanceof RemoteEnvException r ? r.code() : Status.Code.UNKNOWN,
          "server "
              + s.address
              + " was lost ("
              + cause.getMessage()
              + ") and reconnecting failed for a reason a retry cannot fix: "
              + e.getMessage(),
          e);
    }
  }

  /** Sleeps {@code backoffNanos}, or what is left of the deadline if less. */
  private static void pause(Slot s, SessionLostException cause, long backoffNanos, long deadline) {
    long pause = Math.min(backoffNanos, deadline - System.nanoTime());
    if (pause <= 0) {
      return;
    }
    try {
      TimeUnit.NANOSECONDS.sleep(pause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RemoteEnvException(
          s.address,
          Status.Code.CANCELLED,
          "interrupted while reconnecting to " + s.address + " (" + cause.getMessage() + ")",
          e);
    }
  }

  /**
   * A session of {@code count} envs on {@code address}, checked to have the spaces of the others.
   *
   * @throws IllegalStateException the server has other spaces for the env (the session is closed)
   */
  private RemoteSession openSession(String address, int count, Duration makeDeadline) {
    RemoteSession session = RemoteSession.open(address, envId, kwargs, count, config, makeDeadline);
    if (session.observationSize() != obsSize
        || session.observationType() != obsType
        || session.numActions() != numActions) {
      session.abandon();
      throw new IllegalStateException(
          "server "
              + address
              + " has different spaces for "
              + envId
              + ": "
              + session.observationSize()
              + " "
              + session.observationType()
              + " elements and "
              + session.numActions()
              + " actions, expected "
              + obsSize
              + " "
              + obsType
              + " and "
              + numActions);
    }
    return session;
  }

  /** Flags the slot's envs restarted: their observations start an episode, no transition. */
  private static void markRestarted(Slot s, StepBatch out) {
    for (int i = s.offset; i < s.offset + s.count; i++) {
      out.rewards()[i] = 0;
      out.terminated()[i] = false;
      out.truncated()[i] = false;
      out.restarted()[i] = true;
      out.episodeReturns()[i] = Double.NaN;
      out.episodeLengths()[i] = 0;
    }
  }

  /**
   * How long a lost session waits for its own server before trying others: a quarter of the
   * reconnect budget, at most 10 s, so a server that restarts gets its envs back and one that is
   * gone for good hands them to the rest soon.
   */
  static Duration ownServerPhase(Duration budget) {
    return min(Duration.ofSeconds(10), budget.dividedBy(4));
  }

  /**
   * The {@code k}-th address to try after the own-server phase, cycling through the server list as
   * it is now: its own first while listed. While the list cannot be read, the addresses given to
   * {@link #connect}, its own first.
   */
  private String candidate(String own, int k) {
    List<String> listed = listedServers();
    List<String> all = new ArrayList<>();
    if (listed == null || listed.contains(own)) {
      all.add(own);
    }
    for (String a : listed == null ? addresses : listed) {
      if (!all.contains(a)) {
        all.add(a);
      }
    }
    if (all.isEmpty()) {
      all.add(own); // an empty list: nowhere else to go
    }
    return all.get(k % all.size());
  }

  /** Whether the server list still names {@code address} (or cannot be read now). */
  private boolean stillListed(String address) {
    List<String> listed = listedServers();
    return listed == null || listed.contains(address);
  }

  /** The server list's distinct addresses now, in its order; null while it cannot be read. */
  private List<String> listedServers() {
    try {
      return serverList.get().stream().distinct().toList();
    } catch (RuntimeException e) {
      log.debug("server list unavailable: {}", e.getMessage());
      return null;
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /**
   * The seed a session made by the {@code rebalance}-th rebalance is reset with, for its envs from
   * {@code offset} on: {@link #reconnectSeed}'s hash of what a reset gave them last, its count
   * negated so it never repeats a reconnect's inputs. The same resets, actions and server list
   * changes at the same steps give the same episodes.
   */
  static long rebalanceSeed(long lastResetSeed, int offset, int rebalance) {
    return reconnectSeed(lastResetSeed + offset, -rebalance);
  }

  /**
   * The seed a replaced session is reset with: a SplitMix64 hash of the session's last reset seed
   * and its reconnect count, kept below 2^30 so that seed + i fits an int32 for any env.
   */
  static long reconnectSeed(long baseSeed, int reconnect) {
    long z = baseSeed + reconnect * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z = z ^ (z >>> 31);
    return z >>> 34;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this RemoteBatchedEnv is closed");
    }
  }

  /** Closes every session in parallel (Close, half-close, channel), within closeTimeout. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    closeSessions(slots);
  }

  /** Closes the slots' sessions in parallel (Close, half-close, channel), within closeTimeout. */
  private void closeSessions(List<Slot> toClose) {
    List<RemoteSession> begun = new ArrayList<>();
    for (Slot s : toClose) {
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
    long deadline = System.nanoTime() + config.closeTimeout().toNanos();
    for (RemoteSession session : begun) {
      try {
        session.finishClose(deadline);
      } catch (RuntimeException e) {
        log.debug("closing the session on {} failed: {}", session.address(), e.toString());
      }
    }
  }
}
