package io.gymbridge.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ClientConfigTest {
  private static final ClientConfig D = ClientConfig.defaults();

  @Test
  void defaultsAreTheDocumentedOnes() {
    assertEquals(Duration.ofSeconds(30), D.makeDeadline());
    assertEquals(Duration.ofSeconds(10), D.stepDeadline());
    assertEquals(Duration.ofMillis(200), D.reconnectInitialBackoff());
    assertEquals(Duration.ofSeconds(5), D.reconnectMaxBackoff());
    assertEquals(Duration.ofSeconds(60), D.reconnectBudget());
    assertEquals(Duration.ofSeconds(30), D.rebalanceInterval());
    assertEquals(64 * 1024 * 1024, D.maxInboundMessageBytes());
  }

  @Test
  void badSettingsFailWithTheirNameInsteadOfBeingCoerced() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> D.withKeepAlive(Duration.ofSeconds(5), Duration.ofSeconds(5)));
    assertTrue(e.getMessage().contains("keepAliveTime must be >= 10 s"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> D.withDeadlines(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ZERO));
    assertTrue(e.getMessage().contains("stepDeadline"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> D.withReconnect(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ZERO));
    assertTrue(e.getMessage().contains("reconnectMaxBackoff"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> D.withReconnect(Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofSeconds(-1)));
    assertThrows(IllegalArgumentException.class, () -> D.withMaxInboundMessageBytes(10));
  }

  @Test
  void aZeroOrNegativeRebalanceIntervalIsAllowedAndMeansNever() {
    assertEquals(Duration.ZERO, D.withRebalanceInterval(Duration.ZERO).rebalanceInterval());
    assertEquals(
        Duration.ofSeconds(-1),
        D.withRebalanceInterval(Duration.ofSeconds(-1)).rebalanceInterval());
    assertEquals(
        Duration.ofSeconds(60), D.withRebalanceInterval(Duration.ofSeconds(1)).reconnectBudget());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> D.withRebalanceInterval(null));
    assertTrue(e.getMessage().contains("rebalanceInterval"), e.getMessage());
  }

  @Test
  void aZeroBudgetDisablesReconnecting() {
    assertEquals(
        Duration.ZERO,
        D.withReconnect(Duration.ofMillis(1), Duration.ofMillis(1), Duration.ZERO)
            .reconnectBudget());
  }

  @Test
  void theBuilderChangesWhatItIsToldAndValidatesAsTheConstructorDoes() {
    assertEquals(D, ClientConfig.builder().build());
    assertEquals(D, D.toBuilder().build());
    ClientConfig c =
        D.toBuilder().stepDeadline(Duration.ofSeconds(3)).maxInboundMessageBytes(2048).build();
    assertEquals(Duration.ofSeconds(3), c.stepDeadline());
    assertEquals(2048, c.maxInboundMessageBytes());
    assertEquals(D.makeDeadline(), c.makeDeadline());
    assertEquals(
        D,
        c.toBuilder()
            .stepDeadline(D.stepDeadline())
            .maxInboundMessageBytes(D.maxInboundMessageBytes())
            .build());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ClientConfig.builder().closeTimeout(Duration.ZERO).build());
    assertEquals("closeTimeout must be > 0, got PT0S", e.getMessage());
  }
}
