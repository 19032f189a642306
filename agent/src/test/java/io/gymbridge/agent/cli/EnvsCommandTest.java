package io.gymbridge.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gymbridge.server.EmbeddedEnvServer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * bin/agent envs against a real server over a real socket: the table, and the JSON for machines.
 */
class EnvsCommandTest {
  private static JsonNode find(JsonNode envs, String id) {
    for (JsonNode e : envs) {
      if (e.get("id").asText().equals(id)) {
        return e;
      }
    }
    throw new AssertionError(id + " not listed: " + envs);
  }

  @Test
  void listsAServersEnvsAsATableWithSpacesAndLimits() throws Exception {
    try (EmbeddedEnvServer server = EmbeddedEnvServer.start()) {
      AgentRun r = AgentRun.of("envs", "--server", server.address());
      assertEquals(0, r.exitCode(), r.out());
      List<String> lines = r.out().lines().toList();
      assertTrue(lines.get(0).matches("ID +OBSERVATION +ACTION +MAX STEPS +THRESHOLD"), r.out());
      assertTrue(
          lines.stream()
              .anyMatch(
                  l ->
                      l.matches("CartPole-v1 +Box\\(float32, \\[4]\\) +Discrete\\(2\\) +500 +475")),
          r.out());
      // CartPole-v0 has limits of its own: each row shows its env's.
      assertTrue(lines.stream().anyMatch(l -> l.matches("CartPole-v0 .* 200 +195")), r.out());
      assertTrue(r.lastLine().matches("[0-9]+ envs"), r.out());
    }
  }

  @Test
  void jsonGivesEveryFieldWithNullsForWhatAnEnvDoesNotHave() throws Exception {
    try (EmbeddedEnvServer server = EmbeddedEnvServer.start()) {
      AgentRun r = AgentRun.of("envs", "--server", server.address(), "--json");
      assertEquals(0, r.exitCode(), r.out());
      JsonNode envs = new ObjectMapper().readTree(r.lastLine());
      JsonNode cartPole = find(envs, "CartPole-v1");
      assertEquals("Box(float32, [4])", cartPole.get("observation_space").asText());
      assertEquals("Discrete(2)", cartPole.get("action_space").asText());
      assertEquals(500, cartPole.get("max_episode_steps").asInt());
      assertEquals(475.0, cartPole.get("reward_threshold").asDouble());
      for (JsonNode e : envs) {
        assertTrue(e.has("max_episode_steps") && e.has("reward_threshold"), e.toString());
      }
    }
  }

  @Test
  void withoutAServerItListsTheInProcessServersEnvs() throws Exception {
    AgentRun r = AgentRun.of("envs", "--json");
    assertEquals(0, r.exitCode(), r.out());
    find(new ObjectMapper().readTree(r.lastLine()), "CartPole-v1");
  }
}
