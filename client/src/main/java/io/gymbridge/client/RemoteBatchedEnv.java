package io.gymbridge.client;

import io.gymbridge.v1.EnvSpec;
import io.gymbridge.v1.Value;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

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
 * on the same address for the first quarter of the budget (at most 10 s, {@link
 * Reconnector#ownServerPhase}), so a restarted server gets its envs back, then on each address of
 * the server list in turn, so the envs of a server gone for good move to the others (or to the new
 * address of a DNS name). An address no longer in the list (a scaled-down replica) is not waited
 * for. The fresh session is reset with a seed derived from its last reset seed and its reconnect
 * count (a SplitMix64 hash, below 2^30; {@link Reconnector}). Its envs come back with {@link
 * StepBatch#restarted()} set; the other sessions' envs step normally. Each reconnect logs one line.
 * When the budget runs out the call throws a {@link RemoteEnvException} naming the server, what
 * failed, and how long reconnecting was tried. Servers that cannot be reached when connecting fail
 * at once: there is no session to lose yet, and a wrong address should not take a minute to report.
 *
 * <p>Rebalancing: every {@link ClientConfig#rebalanceInterval()}, at the start of a step or reset
 * (never with a step in flight), the server list is read again. If its distinct addresses are not
 * the ones the sessions use, the envs are spread over them anew by the rule above: sessions whose
 * server and envs stay the same keep running untouched, the others are closed and their envs made
 * on fresh sessions, reset with seeds derived from the last reset seed and the rebalance count
 * ({@link Rebalancer#rebalanceSeed}) and reported restarted, as after a reconnect. An address that
 * cannot take its share yet (refused, not serving) is left out until the next check; a list that
 * cannot be read (the name does not resolve at the moment) leaves the spread as it is. One line is
 * logged per rebalance ({@link Rebalancer}).
 *
 * <p>Time (deadlines, backoff, rebalance checks) comes from {@link ClientConfig#clock()}. Not
 * thread-safe: one caller drives it.
 */
public final class RemoteBatchedEnv implements BatchedEnv {
  private final ClientConfig config;
  private final int numEnvs;
  private final EnvSpaces spaces;
  private final int obsSize;
  private final EnvSpec spec;
  private final ServerList servers;
  private final Reconnector reconnector;
  private final Rebalancer rebalancer;
  private List<EnvShare> shares; // a rebalance replaces it
  private boolean wasReset;
  private long lastResetSeed;

  /**
   * The requests of the step sent and not yet awaited, or null; null entries are shares a rebalance
   * just made, whose reset observations are already in {@link #stepOut}.
   */
  private StreamClient.Pending[] stepInFlight;

  private StepBatch stepOut;
  private boolean closed;

  private RemoteBatchedEnv(
      int numEnvs, List<EnvShare> shares, ServerList servers, SessionMaker sessions) {
    this.config = sessions.config();
    this.numEnvs = numEnvs;
    this.shares = shares;
    this.servers = servers;
    this.spaces = sessions.spaces();
    this.obsSize = spaces.obsSize();
    this.spec = shares.get(0).session.spec();
    this.reconnector = new Reconnector(servers, sessions);
    this.rebalancer = new Rebalancer(servers, sessions, reconnector, numEnvs);
  }

  /** The env's spec as the first server reported it (time limit, reward threshold, spaces). */
  public EnvSpec spec() {
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
   * @throws IllegalStateException servers disagree on the env's spaces
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
    addresses.forEach(ServerAddresses::check);
    if (numEnvs < 1) {
      throw new IllegalArgumentException("numEnvs must be >= 1, got " + numEnvs);
    }
    SessionMaker sessions = new SessionMaker(envId, kwargs, config);
    List<EnvShare> shares = EnvShare.plan(addresses, numEnvs);
    try {
      for (EnvShare s : shares) {
        s.session = sessions.open(s.address, s.count, config.makeDeadline());
      }
    } catch (RuntimeException e) {
      EnvShare.closeAll(shares, config);
      throw e;
    }
    return new RemoteBatchedEnv(numEnvs, shares, new ServerList(addresses), sessions);
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
    return spaces.obsShape().clone();
  }

  @Override
  public ObsType observationType() {
    return spaces.obsType();
  }

  @Override
  public int numActions() {
    return spaces.numActions();
  }

  /** The addresses given to {@link #connect}. */
  public List<String> addresses() {
    return servers.given();
  }

  /** Where each session lives now, in env order: reconnects and rebalances may have moved some. */
  public List<String> sessionAddresses() {
    return shares.stream().map(s -> s.address).toList();
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
    servers.follow(source);
  }

  /** Envs held by each session, in env order (servers with no envs are left out). */
  public int[] envsPerSession() {
    return shares.stream().mapToInt(s -> s.count).toArray();
  }

  /** Sessions replaced so far, over all servers. */
  public long reconnects() {
    return reconnector.reconnects();
  }

  /** Times the envs were spread anew over a changed server list. */
  public int rebalances() {
    return rebalancer.rebalances();
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
    shares = rebalancer.maybeRebalance(shares, lastResetSeed, newBatch()).shares();
    lastResetSeed = seed;
    StepBatch out = newBatch();
    shares.forEach(s -> s.baseSeed = seed + s.offset);
    List<Reconnector.Lost> lost = Requests.resetAll(shares, out, config.resetDeadline());
    wasReset = true;
    reconnector.replaceAll(lost, out, true);
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
      if (actions[i] < 0 || actions[i] >= spaces.numActions()) {
        throw new IllegalArgumentException(
            "actions[" + i + "]: expected 0.." + (spaces.numActions() - 1) + ", got " + actions[i]);
      }
    }
    StepBatch out = newBatch();
    Rebalancer.Spread spread = rebalancer.maybeRebalance(shares, lastResetSeed, out);
    shares = spread.shares();
    StreamClient.Pending[] sent = new StreamClient.Pending[shares.size()];
    for (int k = 0; k < shares.size(); k++) {
      EnvShare s = shares.get(k);
      // A fresh share's envs were just reset: their reset is this step's result, as on a reconnect.
      if (!spread.fresh().contains(s)) {
        sent[k] = s.session.sendStep(actions, s.offset);
      }
    }
    stepInFlight = sent;
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
    StreamClient.Pending[] sent = stepInFlight;
    if (sent == null) {
      throw new IllegalStateException("no step in flight: call sendStep(actions) first");
    }
    stepInFlight = null;
    StepBatch out = stepOut;
    stepOut = null;
    List<Reconnector.Lost> lost =
        Requests.awaitAll(shares, sent, (s, p) -> s.session.awaitStep(p, out, s.offset));
    reconnector.replaceAll(lost, out, false);
    return out;
  }

  private StepBatch newBatch() {
    return StepBatch.empty(numEnvs, obsSize, spaces.obsType());
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
    EnvShare.closeAll(shares, config);
  }
}
