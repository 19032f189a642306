package io.gymbridge.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The real entry points on tiny budgets: train writes a run directory, eval reads it back. */
class AgentCliTest {
  private record Run(int exitCode, String out) {
    String lastLine() {
      List<String> lines = out.lines().toList();
      return lines.get(lines.size() - 1);
    }
  }

  private static Run agent(String... args) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      int code = AgentMain.commandLine().execute(args);
      return new Run(code, buf.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(old);
    }
  }

  @Test
  void trainThenEvalProduceARunDirectoryAndAJsonSummary(@TempDir Path dir) throws Exception {
    Path run = dir.resolve("run");
    Run train =
        agent(
            "train",
            "--out",
            run.toString(),
            "--total-steps",
            "1600",
            "--seed",
            "5",
            "--set",
            "learningStarts=500");
    assertEquals(0, train.exitCode(), train.out());
    assertTrue(train.out().contains("device: "), train.out());
    for (String f :
        List.of("config.json", "metrics.csv", "learning_curve.png", "checkpoints/latest")) {
      assertTrue(Files.exists(run.resolve(f)), f + " missing");
    }
    JsonNode summary = new ObjectMapper().readTree(train.lastLine());
    assertEquals(1600, summary.get("steps").asLong());

    Run eval = agent("eval", "--checkpoint", run.toString(), "--episodes", "5", "--json");
    assertEquals(0, eval.exitCode(), eval.out());
    JsonNode result = new ObjectMapper().readTree(eval.lastLine());
    assertEquals(5, result.get("episodes").asInt());
    assertTrue(
        result.get("mean_return").asDouble() >= 8, eval.out()); // CartPole never ends before step 8
  }

  @Test
  void benchPrintsTheLearnerCostAndOneRowPerSeedThenTheMedian(@TempDir Path dir) {
    Run bench =
        agent(
            "bench",
            "--seeds",
            "4,5",
            "--total-steps",
            "1600",
            "--set",
            "learningStarts=500",
            "--out",
            dir.toString());
    assertEquals(0, bench.exitCode(), bench.out());
    List<String> lines = bench.out().lines().toList();
    assertTrue(
        lines.stream().anyMatch(l -> l.matches("learner: [0-9.]+ ms per update \\(batch 128\\).*")),
        bench.out());
    // 1600 steps cannot solve CartPole: both rows say so, and so does the median
    assertEquals(
        2, lines.stream().filter(l -> l.matches("[45] +not solved .*")).count(), bench.out());
    assertTrue(bench.lastLine().startsWith("median: not solved"), bench.out());
    assertTrue(Files.exists(dir.resolve("default-seed5/metrics.csv")), "run directory missing");
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {"cleanrl", "sb3-zoo", "tutorial", "default+prioritized"})
  void everyPresetTrainsThroughTheWholeLoop(String preset, @TempDir Path dir) throws Exception {
    Path run = dir.resolve("run");
    boolean prioritized = preset.endsWith("+prioritized");
    Run train =
        agent(
            "train",
            "--preset",
            preset.replace("+prioritized", ""),
            "--out",
            run.toString(),
            "--total-steps",
            "1200",
            "--set",
            "learningStarts=300",
            "--set",
            "trainFrequency=4",
            "--set",
            "gradientSteps=1",
            "--set",
            "prioritized=" + prioritized);
    assertEquals(0, train.exitCode(), train.out());
    JsonNode summary = new ObjectMapper().readTree(train.lastLine());
    assertEquals(1200, summary.get("steps").asLong());
    // Updates ran: the last episodes carry a finite TD loss.
    List<String> rows = Files.readAllLines(run.resolve("metrics.csv"));
    String loss = rows.get(rows.size() - 1).split(",")[5];
    assertTrue(Double.isFinite(Double.parseDouble(loss)), preset + ": loss " + loss);
  }

  @Test
  void resumeContinuesTheSameRunToALargerBudget(@TempDir Path dir) throws Exception {
    Path run = dir.resolve("run");
    assertEquals(0, agent("train", "--out", run.toString(), "--total-steps", "1000").exitCode());
    Run resumed = agent("train", "--out", run.toString(), "--resume", "--total-steps", "2000");
    assertEquals(0, resumed.exitCode(), resumed.out());
    assertTrue(resumed.out().contains("resumed from"), resumed.out());
    assertEquals(2000, new ObjectMapper().readTree(resumed.lastLine()).get("steps").asLong());
  }

  @Test
  void anUnknownSettingFailsWithUsageErrorAndTheValidKeys(@TempDir Path dir) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CommandLine cli = AgentMain.commandLine();
    cli.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
    int code = cli.execute("train", "--out", dir.toString(), "--set", "gama=0.9");
    assertEquals(2, code);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown key 'gama'"), err.toString());
  }
}
