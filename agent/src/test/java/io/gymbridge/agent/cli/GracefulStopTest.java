package io.gymbridge.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM (docker stop, Kubernetes, the end of a session; Ctrl-C sends SIGINT, handled alike) to a
 * real training process: it writes a checkpoint at the step it reached, says how to go on, and a
 * --resume continues from that step.
 */
@Timeout(300)
class GracefulStopTest {
  @Test
  void aTerminatedTrainingCheckpointsTheStepItReachedAndResumesFromIt(@TempDir Path tmp)
      throws Exception {
    Path runDir = tmp.resolve("run");
    Path log = tmp.resolve("out.log");
    Process p =
        AgentProcess.builder(
                "train",
                "--env",
                "CartPole-v1",
                "--total-steps",
                "10000000",
                "--out",
                runDir.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    // Training is under way once it has logged an episode.
    Path metrics = runDir.resolve("metrics.csv");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!(Files.exists(metrics) && Files.readAllLines(metrics).size() > 5)) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        fail("the training never logged episodes: " + Files.readString(log));
      }
      Thread.sleep(50); // a poll of the file, not a guess at its time
    }
    p.destroy(); // SIGTERM
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "still running 120 s after SIGTERM");
    String out = Files.readString(log);
    assertEquals(143, p.exitValue(), out); // 128 + SIGTERM, as the signal ended it
    Matcher stopped =
        Pattern.compile("stopped at step ([0-9,]+) of 10,000,000 \\(checkpoint written")
            .matcher(out);
    assertTrue(stopped.find(), out);
    long step = Long.parseLong(stopped.group(1).replace(",", ""));
    assertTrue(out.contains("\"stopped\": true"), out);
    assertEquals(
        String.format("step-%012d", step),
        Files.readString(runDir.resolve("checkpoints/latest")).strip());

    AgentRun resumed =
        AgentRun.of(
            "train", "--out", runDir.toString(), "--resume", "--total-steps", "" + (step + 64));
    assertEquals(0, resumed.exitCode(), resumed.out());
    assertTrue(resumed.out().contains("step-" + String.format("%012d", step)), resumed.out());
    assertTrue(resumed.lastLine().contains("\"steps\": " + (step + 64)), resumed.out());
  }
}
