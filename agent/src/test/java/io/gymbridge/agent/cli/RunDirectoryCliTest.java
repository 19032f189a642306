package io.gymbridge.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * Run directories that never mix and checkpoints that can be trusted, through the real command
 * line: a second run refuses a directory that holds one, a run that cannot start leaves nothing,
 * and a damaged checkpoint (a real truncated or bit-flipped file) is found, named, and skipped for
 * the newest intact one.
 */
class RunDirectoryCliTest {
  /** One training with two checkpoints (steps 800 and 1600), copied for each test that damages. */
  @TempDir static Path shared;

  private static Path trained;

  @BeforeAll
  static void trainOnce() throws Exception {
    trained = shared.resolve("run");
    Run train =
        Run.of(
            "train",
            "--out",
            trained.toString(),
            "--total-steps",
            "1600",
            "--set",
            "learningStarts=500",
            "--set",
            "checkpointInterval=800");
    assertEquals(0, train.code, train.all());
    assertTrue(Files.isDirectory(trained.resolve("checkpoints/step-000000000800")));
    assertTrue(Files.isDirectory(trained.resolve("checkpoints/step-000000001600")));
    assertTrue(Files.exists(trained.resolve("checkpoints/step-000000001600/SHA256SUMS")));
  }

  @Test
  void aSecondRunRefusesADirectoryThatHoldsARunAndChangesNothing(@TempDir Path dir)
      throws Exception {
    Path run = copyOf(trained, dir.resolve("run"));
    String metrics = Files.readString(run.resolve("metrics.csv"));
    String latest = Files.readString(run.resolve("checkpoints/latest"));
    String config = Files.readString(run.resolve("config.json"));

    Run again = Run.of("train", "--out", run.toString(), "--total-steps", "320");
    assertEquals(2, again.code, again.all());
    assertEquals(1, again.err.strip().lines().count(), again.err);
    assertTrue(again.err.contains(run + " already holds a run"), again.err);
    assertTrue(again.err.contains("--resume"), again.err);
    assertEquals(metrics, Files.readString(run.resolve("metrics.csv")));
    assertEquals(latest, Files.readString(run.resolve("checkpoints/latest")));
    assertEquals(config, Files.readString(run.resolve("config.json")));
  }

  @Test
  void aRunThatCannotStartLeavesNoDirectory(@TempDir Path dir) {
    Path run = dir.resolve("never");
    Run failed = Run.of("train", "--env", "NoSuchEnv-v0", "--out", run.toString());
    assertTrue(failed.code != 0, failed.all());
    assertFalse(Files.exists(run), "a failed start left " + run);
  }

  @Test
  void resumeWithoutARunSaysHowToStartOne(@TempDir Path dir) {
    Path run = dir.resolve("empty");
    Run resumed = Run.of("train", "--resume", "--out", run.toString());
    assertEquals(2, resumed.code, resumed.all());
    assertTrue(resumed.err.contains(run + " holds no run"), resumed.err);
    assertTrue(resumed.err.contains("leave out --resume"), resumed.err);
  }

  @Test
  void resumeIfPresentReplacesAnAttemptThatDiedBeforeItsFirstCheckpoint(@TempDir Path dir)
      throws Exception {
    Path run = dir.resolve("run");
    Files.createDirectories(run.resolve("checkpoints"));
    Files.writeString(run.resolve("config.json"), "{\"totalSteps\": 99999}");
    Files.writeString(run.resolve("metrics.csv"), "global_step,episode\n77777,1\n");
    Run started =
        Run.of("train", "--out", run.toString(), "--resume=if-present", "--total-steps", "320");
    assertEquals(0, started.code, started.all());
    assertTrue(started.out.contains("replacing the earlier attempt"), started.out);
    assertFalse(Files.readString(run.resolve("metrics.csv")).contains("77777"));
    JsonNode config = new ObjectMapper().readTree(run.resolve("config.json").toFile());
    assertEquals(320, config.get("totalSteps").asLong());
  }

  @ParameterizedTest
  @ValueSource(strings = {"truncated", "bit-flipped"})
  void evalAndResumeSkipADamagedCheckpointForTheNewestIntactOne(String damage, @TempDir Path dir)
      throws Exception {
    Path run = copyOf(trained, dir.resolve("run"));
    Path npz = run.resolve("checkpoints/step-000000001600/learner/dqn-learner.npz");
    damage(npz, damage);

    Run eval = Run.of("eval", "--checkpoint", run.toString(), "--episodes", "2", "--json");
    assertEquals(0, eval.code, eval.all());
    assertTrue(eval.out.contains("skipped damaged checkpoint"), eval.out);
    assertTrue(eval.out.contains("learner/dqn-learner.npz does not match its checksum"), eval.out);
    assertTrue(eval.out.contains("checkpoint: " + run.resolve("checkpoints/step-000000000800")));

    Run resumed = Run.of("train", "--out", run.toString(), "--resume", "--total-steps", "2000");
    assertEquals(0, resumed.code, resumed.all());
    assertTrue(
        resumed.out.contains("resumed from " + run.resolve("checkpoints/step-000000000800")),
        resumed.out);
    assertEquals(2000, new ObjectMapper().readTree(resumed.lastLine()).get("steps").asLong());
  }

  @Test
  void aDamagedCheckpointNamedOnItsOwnIsRefusedWithTheIntactOneToUse(@TempDir Path dir)
      throws Exception {
    Path run = copyOf(trained, dir.resolve("run"));
    Path newest = run.resolve("checkpoints/step-000000001600");
    damage(newest.resolve("trainer.json"), "truncated");
    Run eval = Run.of("eval", "--checkpoint", newest.toString(), "--episodes", "2");
    assertEquals(2, eval.code, eval.all());
    assertEquals(1, eval.err.strip().lines().count(), eval.err);
    assertTrue(eval.err.contains("trainer.json does not match its checksum"), eval.err);
    Path intact = run.resolve("checkpoints/step-000000000800").toAbsolutePath();
    assertTrue(eval.err.contains("--checkpoint " + intact), eval.err);
  }

  @Test
  void everyCheckpointDamagedIsAnErrorListingThem(@TempDir Path dir) throws Exception {
    Path run = copyOf(trained, dir.resolve("run"));
    damage(run.resolve("checkpoints/step-000000001600/learner/dqn-learner.npz"), "bit-flipped");
    Files.delete(run.resolve("checkpoints/step-000000000800/trainer.json"));
    Run eval = Run.of("eval", "--checkpoint", run.toString(), "--episodes", "2");
    assertEquals(2, eval.code, eval.all());
    assertTrue(eval.err.contains("every checkpoint of " + run + " is damaged"), eval.err);
    assertTrue(eval.err.contains("step-000000000800 (trainer.json is missing)"), eval.err);
  }

  @Test
  void printConfigShowsTheLayeredConfigAndTrainsNothing(@TempDir Path dir) throws Exception {
    Path run = dir.resolve("run");
    Run printed =
        Run.of(
            "train",
            "--preset",
            "cleanrl",
            "--seed",
            "7",
            "--set",
            "gamma=0.95",
            "--out",
            run.toString(),
            "--print-config");
    assertEquals(0, printed.code, printed.all());
    JsonNode config = new ObjectMapper().readTree(printed.out);
    assertEquals(7, config.get("seed").asLong());
    assertEquals(0.95, config.get("gamma").asDouble());
    assertEquals(2.5e-4, config.get("learningRate").asDouble()); // the cleanrl preset's
    assertFalse(Files.exists(run));
  }

  private static void damage(Path file, String how) throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      if (how.equals("truncated")) {
        f.setLength(f.length() / 2);
      } else {
        long at = f.length() / 3;
        f.seek(at);
        int b = f.read();
        f.seek(at);
        f.write(b ^ 0x10);
      }
    }
  }

  private static Path copyOf(Path from, Path to) throws Exception {
    try (var s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path q = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(q);
        } else {
          Files.copy(p, q);
        }
      }
    }
    return to;
  }

  /** One in-process run of bin/agent with its standard output and error. */
  private record Run(int code, String out, String err) {
    static Run of(String... args) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      PrintStream old = System.out;
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      try {
        CommandLine cli = AgentMain.commandLine();
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        int code = cli.execute(args);
        return new Run(
            code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
      } finally {
        System.setOut(old);
      }
    }

    String lastLine() {
      return out.strip().lines().reduce((a, b) -> b).orElse("");
    }

    String all() {
      return out + "\n--- stderr ---\n" + err;
    }
  }
}
