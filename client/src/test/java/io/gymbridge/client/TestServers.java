package io.gymbridge.client;

import io.gymbridge.codec.Spaces;
import io.gymbridge.envs.Env;
import io.gymbridge.envs.EnvRegistration;
import io.gymbridge.envs.EnvRegistry;
import io.gymbridge.envs.RgbFrame;
import io.gymbridge.envs.Transition;
import io.gymbridge.server.EmbeddedEnvServer;
import io.gymbridge.server.ServerConfig;
import io.gymbridge.v1.Space;
import io.gymbridge.v1.Value;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Real env-servers on loopback for the client tests, and client settings that fail fast. */
final class TestServers {
  private TestServers() {}

  /** An env whose observations are uint8 frames: the client does not read those yet. */
  static final String UINT8_BOX = "Uint8Box-v0";

  /** An env whose observations are Discrete: the client reads Box observations only. */
  static final String DISCRETE_OBS = "DiscreteObs-v0";

  /** An env whose actions are a Box: the client sends Discrete actions only. */
  static final String BOX_ACTION = "BoxAction-v0";

  /**
   * An env whose step waits at {@link #GATE} until a test opens it: a server that does not answer,
   * for as long as the test needs, with no guess at how long real time takes.
   */
  static final String GATED = "Gated-v0";

  /** Served by {@link #startTwin} only, with the spaces it is given. */
  static final String TWIN = "Twin-v0";

  /** Where {@link #GATED}'s steps wait. */
  static final Gate GATE = new Gate();

  /** Holds {@link #GATED}'s steps until opened; counts those that entered and left. */
  static final class Gate {
    private volatile CountDownLatch open = new CountDownLatch(1);
    private final Semaphore entered = new Semaphore(0);
    private final AtomicInteger left = new AtomicInteger();

    /** Closes the gate again for the next test. */
    void close() {
      open = new CountDownLatch(1);
      entered.drainPermits();
      left.set(0);
    }

    void open() {
      open.countDown();
    }

    /** Waits until a step is inside the env, waiting at the gate. */
    void awaitEntered() throws InterruptedException {
      if (!entered.tryAcquire(30, TimeUnit.SECONDS)) {
        throw new AssertionError("no step reached the gated env in 30 s");
      }
    }

    /** Steps that have passed the gate and returned. */
    int left() {
      return left.get();
    }

    void pass() {
      entered.release();
      try {
        open.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      left.incrementAndGet();
    }
  }

  /** Embedded defaults with no shutdown grace, so stopping a server mid-run is immediate. */
  static ServerConfig config() {
    ServerConfig d = EmbeddedEnvServer.defaultConfig();
    return d.toBuilder().shutdownGrace(Duration.ZERO).build();
  }

  static EmbeddedEnvServer start() throws IOException {
    return EmbeddedEnvServer.start(config(), registry());
  }

  /**
   * A server whose {@link #TWIN} env has float32 observations of {@code size} elements: two such
   * servers with different sizes disagree on the env's spaces.
   */
  static EmbeddedEnvServer startTwin(int size) throws IOException {
    EnvRegistry r = registry();
    float[] low = new float[size];
    float[] high = new float[size];
    java.util.Arrays.fill(high, 1f);
    r.register(
        registration(
            TWIN,
            () -> new FixedEnv(Spaces.boxFloat32(low, high, size), Spaces.discrete(2), null)));
    return EmbeddedEnvServer.start(config(), r);
  }

  /** A server on a given port (to restart one where it was). */
  static EmbeddedEnvServer startOn(int port) throws IOException {
    return EmbeddedEnvServer.start(config().withPort(port), registry());
  }

  /**
   * A short reconnect budget, so failing tests fail in seconds. The deadlines stay seconds long: a
   * CartPole step can take half a second on a loaded 2-core machine, and a test that is not about
   * deadlines must not lose its session to one (those that are set their own).
   */
  static ClientConfig fastFail() {
    return ClientConfig.defaults()
        .withDeadlines(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5))
        .withReconnect(Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(1))
        .withCloseTimeout(Duration.ofSeconds(2));
  }

  /** The built-in envs plus the test envs above. */
  static EnvRegistry registry() {
    EnvRegistry r = EnvRegistry.builtin();
    r.register(
        registration(
            UINT8_BOX,
            () -> new FixedEnv(Spaces.boxUint8(0, 255, 2, 3), Spaces.discrete(2), null)));
    r.register(
        registration(
            DISCRETE_OBS, () -> new FixedEnv(Spaces.discrete(5), Spaces.discrete(2), null)));
    r.register(
        registration(
            BOX_ACTION,
            () ->
                new FixedEnv(
                    Spaces.boxFloat32(new float[] {0f}, new float[] {1f}, 1),
                    Spaces.boxFloat32(new float[] {-1f}, new float[] {1f}, 1),
                    null)));
    r.register(
        registration(
            GATED,
            () ->
                new FixedEnv(
                    Spaces.boxFloat32(new float[] {0f}, new float[] {1f}, 1),
                    Spaces.discrete(2),
                    GATE)));
    return r;
  }

  private static EnvRegistration registration(String id, java.util.function.Supplier<Env> make) {
    return new EnvRegistration(
        id, "a test env", args -> make.get(), Map.of(), null, null, false, List.of(), 0);
  }

  /** Observations stay zero; every step pays 1, after passing {@code gate} if there is one. */
  private static final class FixedEnv implements Env {
    private final Space obs;
    private final Space act;
    private final Gate gate;

    FixedEnv(Space obs, Space act, Gate gate) {
      this.obs = obs;
      this.act = act;
      this.gate = gate;
    }

    @Override
    public Space observationSpace() {
      return obs;
    }

    @Override
    public Space actionSpace() {
      return act;
    }

    @Override
    public void reset(Long seed, Map<String, Value> options, Transition out) {}

    @Override
    public void step(ByteBuffer action, Transition out) {
      if (gate != null) {
        gate.pass();
      }
      out.setReward(1.0);
    }

    @Override
    public RgbFrame render() {
      throw new UnsupportedOperationException("no rendering");
    }
  }
}
