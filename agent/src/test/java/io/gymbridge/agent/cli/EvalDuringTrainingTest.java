package io.gymbridge.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Evaluation during training through the real command line: eval.csv gets a row every evalInterval
 * env steps, checkpoints/best holds the best-scoring policy, and evaluating changes nothing in the
 * training itself.
 */
class EvalDuringTrainingTest {
  private static final String[] BUDGET = {
    "--total-steps", "1600", "--seed", "3", "--set", "learningStarts=500"
  };

  @Test
  void evaluationsAreLoggedTheBestIsKeptAndTheTrainingIsUnchanged(@TempDir Path dir)
      throws Exception {
    Path plain = dir.resolve("plain");
    Path evaluated = dir.resolve("evaluated");
    AgentRun a = AgentRun.of(concat(new String[] {"train", "--out", plain.toString()}, BUDGET));
    assertEquals(0, a.exitCode(), a.out());
    AgentRun b =
        AgentRun.of(
            concat(
                new String[] {"train", "--out", evaluated.toString()},
                BUDGET,
                new String[] {"--set", "evalInterval=500", "--set", "evalEpisodes=3"}));
    assertEquals(0, b.exitCode(), b.out());

    // 16 envs step together: the evaluations fall on the first batch at or past 500, 1000, 1500.
    List<String> rows = Files.readAllLines(evaluated.resolve("eval.csv"));
    assertEquals(4, rows.size(), String.join("\n", rows));
    assertTrue(rows.get(0).startsWith("global_step,episodes,eval/episodic_return"));
    assertEquals(
        List.of("512", "1008", "1504"),
        rows.subList(1, 4).stream().map(r -> r.split(",")[0]).toList());
    double best = Double.NEGATIVE_INFINITY;
    for (String r : rows.subList(1, 4)) {
      String[] f = r.split(",");
      assertEquals("3", f[1]);
      double mean = Double.parseDouble(f[2]);
      assertTrue(mean >= 8, r); // a CartPole episode lasts at least 8 steps
      best = Math.max(best, mean);
    }
    assertTrue(b.out().contains("eval at step 512: return "), b.out());

    JsonNode score =
        new ObjectMapper().readTree(evaluated.resolve("checkpoints/best/eval.json").toFile());
    assertEquals(best, score.get("meanReturn").asDouble(), 1e-3);
    assertTrue(Files.exists(evaluated.resolve("checkpoints/best/SHA256SUMS")));

    // Evaluating uses envs, seeds and random numbers of its own: the training is the same run.
    assertEquals(trainingColumns(plain), trainingColumns(evaluated));

    AgentRun eval =
        AgentRun.of(
            "eval",
            "--checkpoint",
            evaluated.resolve("checkpoints/best").toString(),
            "--episodes",
            "3",
            "--json");
    assertEquals(0, eval.exitCode(), eval.out());
    assertTrue(eval.out().contains("checkpoint: " + evaluated.resolve("checkpoints/best")));
  }

  /** metrics.csv without its timing columns (steps/s, wall time). */
  private static List<String> trainingColumns(Path run) throws Exception {
    return Files.readAllLines(run.resolve("metrics.csv")).stream()
        .map(l -> String.join(",", Arrays.copyOfRange(l.split(","), 0, 7)))
        .toList();
  }

  private static String[] concat(String[]... parts) {
    return Arrays.stream(parts).flatMap(Arrays::stream).toArray(String[]::new);
  }
}
