package io.gymbridge.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gymbridge.server.EmbeddedEnvServer;
import io.gymbridge.server.ServerConfig;
import io.gymbridge.transport.InProcessServer;
import java.io.IOException;
import java.util.List;
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
  void isTheInProcessServerThatProgramsFindOnTheClassPath() throws IOException {
    // The agent compiles without the server and starts it this way (META-INF/services).
    try (InProcessServer server = InProcessServer.start("CartPole-v1", null);
        RemoteBatchedEnv env =
            RemoteBatchedEnv.connect(List.of(server.address()), "CartPole-v1", 2)) {
      assertInstanceOf(EmbeddedEnvServer.class, server);
      assertTrue(server.address().startsWith("127.0.0.1:"), server.address());
      assertEquals(8, env.reset(0).obs().length);
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
}
