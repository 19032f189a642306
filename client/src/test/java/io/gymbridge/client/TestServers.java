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

/** Real env-servers on loopback for the client tests, and client settings that fail fast. */
final class TestServers {
  private TestServers() {}

  /** An env whose observations are uint8 frames: the client does not read those yet. */
  static final String UINT8_BOX = "Uint8Box-v0";

  /** An env whose observations are Discrete: the client reads Box observations only. */
  static final String DISCRETE_OBS = "DiscreteObs-v0";

  /** An env whose actions are a Box: the client sends Discrete actions only. */
  static final String BOX_ACTION = "BoxAction-v0";

  /** An env whose step takes {@link #SLOW_STEP}: longer than {@link #fastFail()}'s deadline. */
  static final String SLOW = "Slow-v0";

  static final Duration SLOW_STEP = Duration.ofMillis(1500);

  /** Embedded defaults with no shutdown grace, so stopping a server mid-run is immediate. */
  static ServerConfig config() {
    ServerConfig d = EmbeddedEnvServer.defaultConfig();
    return d.toBuilder().shutdownGrace(Duration.ZERO).build();
  }

  static EmbeddedEnvServer start() throws IOException {
    return EmbeddedEnvServer.start(config(), registry());
  }

  /** A server on a given port (to restart one where it was). */
  static EmbeddedEnvServer startOn(int port) throws IOException {
    return EmbeddedEnvServer.start(config().withPort(port), registry());
  }

  /** Short deadlines and a short reconnect budget, so failing tests fail in seconds. */
  static ClientConfig fastFail() {
    return ClientConfig.defaults()
        .withDeadlines(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMillis(500))
        .withReconnect(Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(1))
        .withCloseTimeout(Duration.ofSeconds(2));
  }

  /** The built-in envs plus the test envs above. */
  static EnvRegistry registry() {
    EnvRegistry r = EnvRegistry.builtin();
    r.register(
        registration(
            UINT8_BOX, () -> new FixedEnv(Spaces.boxUint8(0, 255, 2, 3), Spaces.discrete(2), 0)));
    r.register(
        registration(DISCRETE_OBS, () -> new FixedEnv(Spaces.discrete(5), Spaces.discrete(2), 0)));
    r.register(
        registration(
            BOX_ACTION,
            () ->
                new FixedEnv(
                    Spaces.boxFloat32(new float[] {0f}, new float[] {1f}, 1),
                    Spaces.boxFloat32(new float[] {-1f}, new float[] {1f}, 1),
                    0)));
    r.register(
        registration(
            SLOW,
            () ->
                new FixedEnv(
                    Spaces.boxFloat32(new float[] {0f}, new float[] {1f}, 1),
                    Spaces.discrete(2),
                    SLOW_STEP.toMillis())));
    return r;
  }

  private static EnvRegistration registration(String id, java.util.function.Supplier<Env> make) {
    return new EnvRegistration(
        id, "a test env", args -> make.get(), Map.of(), null, null, false, List.of(), 0);
  }

  /** Observations stay zero; every step pays 1 after sleeping {@code stepMillis}. */
  private static final class FixedEnv implements Env {
    private final Space obs;
    private final Space act;
    private final long stepMillis;

    FixedEnv(Space obs, Space act, long stepMillis) {
      this.obs = obs;
      this.act = act;
      this.stepMillis = stepMillis;
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
      try {
        Thread.sleep(stepMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      out.setReward(1.0);
    }

    @Override
    public RgbFrame render() {
      throw new UnsupportedOperationException("no rendering");
    }
  }
}
