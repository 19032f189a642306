package io.gymbridge.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gymbridge.server.EmbeddedEnvServer;
import io.gymbridge.server.ServerConfig;
import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class EmbeddedEnvServerTest {
  @Test
  void listensOnLoopbackWithAnEphemeralPort() throws IOException {
    try (EmbeddedEnvServer server = EmbeddedEnvServer.start()) {
      assertTrue(server.port() > 0);
      assertEquals("127.0.0.1:" + server.port(), server.address());
    }
  }

  @Test
  void servesTheBuiltInEnvsThroughTheContract() throws IOException {
    try (EmbeddedEnvServer server = EmbeddedEnvServer.start();
        RemoteBatchedEnv env =
            RemoteBatchedEnv.connect(List.of(server.address()), "CartPole-v1", 2)) {
      assertEquals(8, env.reset(0).obs().length);
      assertEquals(8, env.step(new int[] {0, 1}).obs().length);
    }
  }

  @Test
  void refusesToListenBeyondLoopbackOrWithAToken() {
    ServerConfig d = EmbeddedEnvServer.defaultConfig();
    ServerConfig anyHost = d.toBuilder().host("0.0.0.0").port(0).build();
    assertThrows(IllegalArgumentException.class, () -> EmbeddedEnvServer.start(anyHost));
    assertThrows(
        IllegalArgumentException.class, () -> EmbeddedEnvServer.start(d.withToken("secret")));
  }

  @Test
  void closingTwiceIsHarmless() throws IOException {
    EmbeddedEnvServer server = EmbeddedEnvServer.start();
    server.close();
    server.close();
  }

  /**
   * A figure for docs/benchmarks.md, not a threshold: this machine's speed varies too much to
   * assert on.
   */
  @Test
  void printsTheThroughputOfSixteenCartPolesOnTheEmbeddedServer() throws IOException {
    int numEnvs = 16;
    try (EmbeddedEnvServer server = EmbeddedEnvServer.start();
        RemoteBatchedEnv env =
            RemoteBatchedEnv.connect(List.of(server.address()), "CartPole-v1", numEnvs)) {
      env.reset(0);
      SplittableRandom random = new SplittableRandom(0);
      int[] actions = new int[numEnvs];
      long warmupEnd = System.nanoTime() + 2_000_000_000L; // the JIT needs it
      while (System.nanoTime() < warmupEnd) {
        fill(actions, random);
        env.step(actions);
      }
      long start = System.nanoTime();
      long end = start + 3_000_000_000L;
      long batches = 0;
      while (System.nanoTime() < end) {
        fill(actions, random);
        env.step(actions);
        batches++;
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          "RemoteBatchedEnv, CartPole-v1 x %d on the embedded server (one JVM, loopback): "
              + "%.0f batched steps/s, %.0f env steps/s, %.1f us per batched step%n",
          numEnvs, batches / seconds, batches * numEnvs / seconds, seconds * 1e6 / batches);
    }
  }

  private static void fill(int[] actions, SplittableRandom random) {
    for (int i = 0; i < actions.length; i++) {
      actions[i] = random.nextInt(2);
    }
  }
}
