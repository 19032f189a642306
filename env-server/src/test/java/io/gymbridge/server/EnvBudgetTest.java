package io.gymbridge.server;

import static io.gymbridge.server.Wire.make;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import io.gymbridge.atari.AtariRegistrations;
import io.gymbridge.atari.TestRoms;
import io.gymbridge.envs.Env;
import io.gymbridge.envs.EnvRegistration;
import io.gymbridge.envs.EnvRegistry;
import io.gymbridge.envs.PostMakeWrapper;
import io.gymbridge.envs.wrappers.EnvWrapper;
import io.gymbridge.v1.Value;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The server's sessions and env memory, in all and per client. */
class EnvBudgetTest {
  private static final long MIB = 1 << 20;

  /** A call through a server: refused RESOURCE_EXHAUSTED, the description holding each fragment. */
  private static void assertRefused(Runnable r, String... fragments) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, r::run);
    assertEquals(Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
    for (String f : fragments) {
      assertTrue(e.getStatus().getDescription().contains(f), e.getStatus().getDescription());
    }
  }

  /**
   * A call on the budget itself: it throws LimitExceededException, which a client would see (by
   * {@link StatusMapping}) as RESOURCE_EXHAUSTED with each fragment in the description.
   */
  private static void assertOverBudget(Runnable r, String... fragments) {
    LimitExceededException thrown = assertThrows(LimitExceededException.class, r::run);
    assertRefused(
        () -> {
          throw StatusMapping.toStatus(thrown, "EnvBudgetTest");
        },
        fragments);
  }

  @Test
  void eachClientMayHoldItsShareOfSessionsAndMemoryAndNoMore() {
    EnvBudget budget = new EnvBudget(4, 100 * MIB, 0.5);
    EnvBudget.Charge a1 = budget.reserveSession("10.0.0.1");
    budget.reserveBytes(a1, 30 * MIB, "a1");
    EnvBudget.Charge a2 = budget.reserveSession("10.0.0.1");
    assertOverBudget(() -> budget.reserveSession("10.0.0.1"), "client 10.0.0.1", "2 sessions");
    assertOverBudget(() -> budget.reserveBytes(a2, 21 * MIB, "64 envs"), "its 50 MiB share");
    budget.reserveBytes(a2, 20 * MIB, "a2"); // exactly the share
    // Another client still finds room.
    EnvBudget.Charge b = budget.reserveSession("10.0.0.2");
    budget.reserveBytes(b, 50 * MIB, "b");
    assertEquals(100 * MIB, budget.bytes());
    // Giving back makes room again.
    budget.release(a1);
    EnvBudget.Charge a3 = budget.reserveSession("10.0.0.1");
    budget.reserveBytes(a3, 30 * MIB, "a3");
    assertEquals(3, budget.sessions());
  }

  @Test
  void theServersMemoryForEnvsIsSharedByAll() {
    EnvBudget budget = new EnvBudget(10, 100 * MIB, 1.0);
    EnvBudget.Charge a = budget.reserveSession("a");
    budget.reserveBytes(a, 90 * MIB, "a");
    EnvBudget.Charge b = budget.reserveSession("b");
    assertOverBudget(
        () -> budget.reserveBytes(b, 20 * MIB, "8 envs of ALE/Pong-v5"),
        "8 envs of ALE/Pong-v5 need about 20 MiB",
        "only 10 MiB",
        "--max-env-memory-mb");
    assertEquals(0, b.bytes());
    budget.release(b);
    budget.release(a);
    assertEquals(0, budget.sessions());
    assertEquals(0, budget.bytes());
  }

  @Test
  void aMakeOverTheMemoryBudgetIsRefusedBeforeItsEnvsAreBuilt() throws Exception {
    // 16 MiB for envs: 8 Atari envs (~1 MiB each) fit, 64 do not; the refusal frees the slot.
    ServerConfig config =
        TestServer.config().withBudget(16 * MIB, 1.0).withLimits(1, 1024, 64 << 20);
    AtomicInteger built = new AtomicInteger();
    AtomicInteger closed = new AtomicInteger();
    try (TestServer server = TestServer.start(config, countedBreakout(built, closed))) {
      assertRefused(
          () -> server.env().make(make("ALE/Breakout-v5", 64)),
          "64 envs of ALE/Breakout-v5 need about",
          "--max-env-memory-mb");
      // The server sizes a session from its first env: that one is built, and closed again.
      assertEquals(1, built.get(), "envs built by the refused make");
      assertEquals(1, closed.get(), "envs closed by the refused make");
      assertEquals(8, server.env().make(make("ALE/Breakout-v5", 8)).getNumEnvs());
      assertEquals(9, built.get());
      assertEquals(1, closed.get());
    }
  }

  /**
   * A registry whose only env is ALE/Breakout-v5, counting the envs its factory builds and the
   * closes of the envs make returns. The count of closes sits on top, in the post-make step, as its
   * preprocessing needs the bare AtariEnv beneath.
   */
  private static EnvRegistry countedBreakout(AtomicInteger built, AtomicInteger closed) {
    EnvRegistry atari = new EnvRegistry();
    AtariRegistrations.register(atari, TestRoms.require());
    EnvRegistration r = atari.find("ALE/Breakout-v5").orElseThrow();
    PostMakeWrapper post = r.postMake();
    PostMakeWrapper countingCloses =
        new PostMakeWrapper() {
          @Override
          public Map<String, Value> defaultKwargs() {
            return post.defaultKwargs();
          }

          @Override
          public Configured configure(Map<String, Value> kwargs) {
            Configured c = post.configure(kwargs);
            return new Configured() {
              @Override
              public Map<String, Value> envKwargDefaults() {
                return c.envKwargDefaults();
              }

              @Override
              public Map<String, Value> effectiveKwargs() {
                return c.effectiveKwargs();
              }

              @Override
              public Env wrap(Env made, Env bare) {
                return new EnvWrapper(c.wrap(made, bare)) {
                  @Override
                  public void close() {
                    closed.incrementAndGet();
                    super.close();
                  }
                };
              }
            };
          }
        };
    EnvRegistry counted = new EnvRegistry();
    counted.register(
        new EnvRegistration(
            r.id(),
            r.description(),
            args -> {
              built.incrementAndGet();
              return r.factory().apply(args);
            },
            r.kwargs(),
            r.maxEpisodeSteps(),
            r.rewardThreshold(),
            r.nondeterministic(),
            r.renderModes(),
            r.renderFps(),
            countingCloses));
    return counted;
  }

  @Test
  void oneClientGetsHalfTheSessionsByDefault() throws Exception {
    ServerConfig config =
        TestServer.config()
            .withBudget(ServerConfig.defaultEnvMemoryBytes(), ServerConfig.DEFAULT_CLIENT_SHARE)
            .withLimits(4, 16, 64 << 20);
    try (TestServer server = TestServer.start(config)) {
      server.env().make(make("CartPole-v1", 1));
      server.env().make(make("CartPole-v1", 1));
      assertRefused(
          () -> server.env().make(make("CartPole-v1", 1)),
          "client 127.0.0.1 already holds 2 sessions",
          "--max-client-share");
    }
  }
}
