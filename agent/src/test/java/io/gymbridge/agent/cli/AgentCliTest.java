package io.gymbridge.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The real entry points on tiny budgets: train writes a run directory, eval reads it back. */
class AgentCliTest {

  @Test
  void trainThenEvalProduceARunDirectoryAndAJsonSummary(@TempDir Path dir) throws Exception {
    Path run = dir.resolve("run");
    AgentRun train =
        AgentRun.of(
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

    AgentRun eval =
        AgentRun.of("eval", "--checkpoint", run.toString(), "--episodes", "5", "--json");
    assertEquals(0, eval.exitCode(), eval.out());
    JsonNode result = new ObjectMapper().readTree(eval.lastLine());
    assertEquals(5, result.get("episodes").asInt());
    assertTrue(
        result.get("mean_return").asDouble() >= 8, eval.out()); // CartPole never ends before step 8
  }

  @Test
  void benchPrintsTheLearnerCostAndOneRowPerSeedThenTheMedian(@TempDir Path dir) {
    AgentRun bench =
        AgentRun.of(
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
    AgentRun train =
        AgentRun.of(
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
    assertEquals(
        0, AgentRun.of("train", "--out", run.toString(), "--total-steps", "1000").exitCode());
    AgentRun resumed =
        AgentRun.of("train", "--out", run.toString(), "--resume", "--total-steps", "2000");
    assertEquals(0, resumed.exitCode(), resumed.out());
    assertTrue(resumed.out().contains("resumed from"), resumed.out());
    assertEquals(2000, new ObjectMapper().readTree(resumed.lastLine()).get("steps").asLong());
  }

  @Test
  void resumeIfPresentStartsTheRunOnceThenContinuesIt(@TempDir Path dir) throws Exception {
    // What a restarted Kubernetes Job does: the same command line, run twice.
    Path run = dir.resolve("run");
    String[] command = {
      "train", "--out", run.toString(), "--resume=if-present", "--total-steps", "1000"
    };
    AgentRun first = AgentRun.of(command);
    assertEquals(0, first.exitCode(), first.out());
    assertTrue(first.out().contains("no checkpoint in " + run + " yet"), first.out());
    command[command.length - 1] = "2000";
    AgentRun again = AgentRun.of(command);
    assertEquals(0, again.exitCode(), again.out());
    assertTrue(again.out().contains("resumed from"), again.out());
    assertEquals(2000, new ObjectMapper().readTree(again.lastLine()).get("steps").asLong());
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
