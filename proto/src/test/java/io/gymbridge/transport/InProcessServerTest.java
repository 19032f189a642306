package io.gymbridge.transport;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class InProcessServerTest {
  @Test
  void withoutAServerModuleOnTheClassPathTheErrorSaysToNameOne() {
    // This module's test class path has no env-server, so no factory is registered.
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> InProcessServer.start("CartPole-v1", null));
    assertTrue(e.getMessage().contains("--server HOST:PORT"), e.getMessage());
  }
}
