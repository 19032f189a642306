package io.gymbridge.server;

import io.gymbridge.codec.ClientText;
import io.gymbridge.codec.Spaces;
import io.gymbridge.envs.Env;
import io.gymbridge.envs.EnvRegistry;
import io.gymbridge.v1.EnvSpec;
import io.gymbridge.v1.MakeRequest;
import io.gymbridge.v1.MakeResponse;
import io.gymbridge.vector.EnvStepPool;
import io.gymbridge.vector.VectorEnv;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open sessions of a server: creates them within the limits, finds them by id, and closes those
 * whose client went quiet for longer than the idle timeout (a vanished client must not hold envs
 * forever).
 */
final class SessionRegistry implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SessionRegistry.class);
  private static final SecureRandom ID_RANDOM = new SecureRandom();

  private final MakeRequestCheck makeCheck;
  private final ServerConfig config;
  private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();
  private final ScheduledExecutorService reaper;

  /**
   * Times the idle timeout and each call, in nanoseconds; {@link System#nanoTime()} but in tests.
   */
  private final LongSupplier clock;

  /** Sessions and env memory, in all and per client (--max-sessions, --max-env-memory-mb). */
  private final EnvBudget budget;

  /** Shared by every session's vector env; owned (closed) by the server. */
  private final EnvStepPool stepPool;

  SessionRegistry(EnvRegistry envs, ServerConfig config, EnvStepPool stepPool) {
    this(envs, config, stepPool, System::nanoTime);
  }

  /**
   * {@code clock} (nanoseconds, as {@link System#nanoTime()}) times the idle timeout (when each
   * session was last used and when {@link #reapIdle()} looks) and each session's resets and steps
   * (which decide whether its calls run inline). Tests pass a clock they advance by hand.
   */
  SessionRegistry(EnvRegistry envs, ServerConfig config, EnvStepPool stepPool, LongSupplier clock) {
    this.makeCheck = new MakeRequestCheck(envs, config.maxEnvsPerSession());
    this.stepPool = stepPool;
    this.config = config;
    this.clock = clock;
    this.budget =
        new EnvBudget(config.maxSessions(), config.maxEnvMemoryBytes(), config.maxClientShare());
    this.reaper =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "gymbridge-session-reaper");
              t.setDaemon(true);
              return t;
            });
    long periodMs = Math.max(50, Math.min(config.idleTimeout().toMillis() / 4, 10_000));
    reaper.scheduleWithFixedDelay(this::reapIdleOrLog, periodMs, periodMs, TimeUnit.MILLISECONDS);
  }

  /** Makes a session for {@code client} (its IP address: {@link ClientIdentity}). */
  MakeResponse make(MakeRequest request, String client) {
    MakeRequestCheck.Checked r = makeCheck.check(request);
    // Reserve the session first and build the envs outside any lock: envs can be slow to load.
    EnvBudget.Charge charge = budget.reserveSession(client);
    List<Env> made = new ArrayList<>(r.numEnvs());
    try {
      made.add(EnvRegistry.make(r.reg(), r.kwargs(), r.maxSteps()));
      EnvSpec spec = EnvRegistry.spec(r.reg(), made.get(0), r.kwargs(), r.maxSteps());
      size(r, made.get(0), spec, charge);
      buildRest(r, made);
      String id = register(new VectorEnv(made, r.mode(), stepPool), r.renderMode(), charge);
      logMade(id, client, r);
      return MakeResponse.newBuilder()
          .setSessionId(id)
          .setSpec(spec)
          .setNumEnvs(r.numEnvs())
          .setAutoresetMode(r.wireMode())
          .build();
    } catch (RuntimeException e) {
      budget.release(charge);
      for (Env env : made) {
        env.close();
      }
      throw e;
    }
  }

  /**
   * Sizes the session from its first env, before the rest are built: charges the memory of all
   * {@code numEnvs} to the budget, and refuses a session whose step responses could not fit in a
   * message.
   */
  private void size(MakeRequestCheck.Checked r, Env first, EnvSpec spec, EnvBudget.Charge charge) {
    budget.reserveBytes(
        charge, r.numEnvs() * bytesPerEnv(first), r.numEnvs() + " envs of " + r.reg().id());
    // A step response's upper bound per env: its observation, a SAME_STEP final observation
    // and final_env_indices entry (a varint, at most 5 bytes), its reward (a packed double, 8)
    // and its two flags (packed bools, 1 each). Infos and field tags fit the response margin.
    long perEnv = 2L * Spaces.elementBytes(spec.getObservationSpace()) + 5 + 8 + 2;
    long stepBytes = r.numEnvs() * perEnv;
    if (stepBytes > config.maxMessageBytes() - ServerConfig.RESPONSE_MARGIN_BYTES) {
      throw new LimitExceededException(
          r.numEnvs()
              + " envs of "
              + r.reg().id()
              + " need step responses of up to "
              + stepBytes
              + " bytes, over the max message size of "
              + config.maxMessageBytes()
              + " bytes (--max-message-bytes); use fewer envs per session");
    }
  }

  /** Builds envs 2..numEnvs into {@code made}, which holds the first. */
  private static void buildRest(MakeRequestCheck.Checked r, List<Env> made) {
    for (int i = 1; i < r.numEnvs(); i++) {
      made.add(EnvRegistry.make(r.reg(), r.kwargs(), r.maxSteps()));
    }
  }

  private String register(VectorEnv vector, String renderMode, EnvBudget.Charge charge) {
    String id = newId();
    sessions.put(id, new Session(id, vector, renderMode, config.maxMessageBytes(), charge, clock));
    return id;
  }

  private void logMade(String id, String client, MakeRequestCheck.Checked r) {
    log.info(
        "session {} made for {}: {} x{} autoreset={} kwargs={} (sessions open: {}/{}, env"
            + " memory ~{}/{} MiB)",
        id,
        client,
        r.reg().id(),
        r.numEnvs(),
        r.mode(),
        r.kwargs().keySet(),
        sessions.size(),
        config.maxSessions(),
        budget.bytes() >> 20,
        config.maxEnvMemoryBytes() >> 20);
  }

  /**
   * Whether a step (or a close) of session {@code id} may run inline on an event loop: its steps
   * are cheap, or there is no such session (the NOT_FOUND answer is cheap).
   */
  boolean isCheapToStep(String id) {
    Session s = sessions.get(id);
    return s == null || s.isCheapToStep();
  }

  /** As {@link #isCheapToStep}, for a reset of session {@code id}. */
  boolean isCheapToReset(String id) {
    Session s = sessions.get(id);
    return s == null || s.isCheapToReset();
  }

  Session get(String id) {
    Session s = sessions.get(id);
    if (s == null) {
      throw new SessionNotFoundException(
          "session_id: no open session "
              + ClientText.quote(id)
              + " (closed, timed out after "
              + format(config.idleTimeout())
              + " idle, or never made)");
    }
    return s;
  }

  void close(String id, String why) {
    Session s = sessions.remove(id);
    if (s == null) {
      throw new SessionNotFoundException("session_id: no open session " + ClientText.quote(id));
    }
    closeAndRelease(s);
    log.info("session {} closed ({}); sessions open: {}", id, why, sessions.size());
  }

  /** Closes a session if it is still open; for stream teardown, where it may be gone already. */
  void closeQuietly(String id, String why) {
    Session s = sessions.remove(id);
    if (s != null) {
      closeAndRelease(s);
      log.info("session {} closed ({}); sessions open: {}", id, why, sessions.size());
    }
  }

  /**
   * One pass of the reaper: closes every session unused for longer than the idle timeout by the
   * idle clock. The scheduled reaper calls it every quarter of the timeout (50 ms to 10 s); tests
   * with a hand-driven clock call it directly. Synchronized, so a direct call returns only once a
   * scheduled pass running at the same moment has also finished closing what it took.
   */
  synchronized void reapIdle() {
    long now = clock.getAsLong();
    long limit = config.idleTimeout().toNanos();
    for (Session s : sessions.values()) {
      if (now - s.lastUsedNanos() > limit) {
        // One env that fails to close must not keep the others open: log it and go on.
        try {
          closeQuietly(s.id(), "idle for over " + format(config.idleTimeout()));
        } catch (Throwable t) {
          log.error("closing idle session {} failed; it is removed all the same", s.id(), t);
        }
      }
    }
  }

  /** Closes a removed session's envs; its budget is released even when an env's close throws. */
  private void closeAndRelease(Session s) {
    try {
      s.close();
    } finally {
      budget.release(s.charge());
    }
  }

  /**
   * The scheduled task: anything it throws would cancel every later run, so it is logged instead,
   * Errors too (an env's close can throw one from native code). An OutOfMemoryError ends the JVM
   * anyway where -XX:+ExitOnOutOfMemoryError is set (bin/env-server, the image).
   */
  void reapIdleOrLog() {
    try {
      reapIdle();
    } catch (Throwable t) {
      log.error("closing idle sessions failed; the reaper goes on", t);
    }
  }

  /**
   * The memory one env of this kind holds, estimated: what it declares ({@link Env#baseBytes()})
   * plus four copies of its observation (its buffer, a stack or final observation, the encoded
   * response) and a few KB of objects.
   */
  private static long bytesPerEnv(Env env) {
    return env.baseBytes() + 4 * Spaces.elementBytes(env.observationSpace()) + 4096;
  }

  private static String format(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  private static String newId() {
    byte[] b = new byte[8];
    ID_RANDOM.nextBytes(b);
    return "s-" + HexFormat.of().formatHex(b);
  }

  int size() {
    return sessions.size();
  }

  /** Stops the reaper and closes every session (server shutdown). */
  @Override
  public void close() {
    reaper.shutdownNow();
    for (String id : List.copyOf(sessions.keySet())) {
      closeQuietly(id, "server shutting down");
    }
  }
}
