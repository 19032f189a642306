package io.gymbridge.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gymbridge.atari.RomDirectory;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Atari through the real entry points on a real ALE game, tiny budgets: train with the atari-fast
 * preset (Nature CNN, frames-once replay, the server's DQN pipeline), checkpoints without the
 * replay, resume, and eval by the Atari protocol with a recorded GIF. Needs ROMs, as the
 * env-server's Atari tests do (bin/test provides them).
 */
class AtariCliTest {
  private static String romDir;

  @BeforeAll
  static void roms() {
    romDir =
        RomDirectory.find(
                null,
                System.getenv(),
                RomDirectory.defaultPythons(List.of(Path.of("..").toAbsolutePath())))
            .map(d -> d.dir().toString())
            .orElse(null);
    if (romDir == null) {
      fail("no Atari ROMs: set ALE_ROM_DIR or run bin/test (it installs ale-py into .venv)");
    }
  }

  private static JsonNode json(String line) throws Exception {
    return new ObjectMapper().readTree(line);
  }

  @Test
  void trainResumeAndEvalBreakoutFromPixels(@TempDir Path dir) throws Exception {
    Path run = dir.resolve("breakout");
    AgentRun train =
        AgentRun.of(
            "train",
            "--env",
            "ALE/Breakout-v5",
            "--preset",
            "atari-fast",
            "--rom-dir",
            romDir,
            "--num-envs",
            "2",
            "--total-steps",
            "600",
            "--out",
            run.toString(),
            "--set",
            "learningStarts=200",
            "--set",
            "bufferSize=5000",
            "--set",
            "checkpointInterval=300");
    assertEquals(0, train.exitCode(), train.out());
    assertEquals(600, json(train.lastLine()).get("steps").asLong());
    JsonNode config = new ObjectMapper().readTree(run.resolve("config.json").toFile());
    assertEquals("nature", config.get("envKwargs").get("preprocessing").asText());
    Path checkpoint = run.resolve("checkpoints/step-000000000600");
    assertTrue(Files.exists(checkpoint.resolve("learner/dqn-learner.npz")));
    // An Atari checkpoint is the networks and Adam (<= 53 MB for the dueling CNN), not the replay.
    assertFalse(Files.exists(checkpoint.resolve("replay.bin")));
    assertTrue(directorySize(checkpoint) < 60_000_000, "checkpoint " + directorySize(checkpoint));
    JsonNode before = trainerJson(checkpoint);
    assertEquals(600, before.get("globalStep").asLong());
    // One update per 4 env steps from step 200 on.
    assertEquals(100, before.get("updates").asLong(), 1);

    AgentRun resumed =
        AgentRun.of(
            "train",
            "--out",
            run.toString(),
            "--resume",
            "--total-steps",
            "900",
            "--rom-dir",
            romDir);
    assertEquals(0, resumed.exitCode(), resumed.out());
    assertTrue(resumed.out().contains("resumed from"), resumed.out());
    JsonNode after = trainerJson(run.resolve("checkpoints/step-000000000900"));
    // Without a saved replay the run refills the buffer for learningStarts (200) steps before it
    // learns again: updates resume at step 800, 25 more by step 900.
    assertEquals(before.get("updates").asLong() + 25, after.get("updates").asLong(), 1);

    Path gif = dir.resolve("game.gif");
    AgentRun eval =
        AgentRun.of(
            "eval",
            "--checkpoint",
            run.toString(),
            "--rom-dir",
            romDir,
            "--episodes",
            "2",
            "--num-envs",
            "2",
            "--json",
            "--record",
            gif.toString(),
            "--record-max-steps",
            "60");
    assertEquals(0, eval.exitCode(), eval.out());
    // The Atari protocol: full games (no life-loss episodes), raw rewards, epsilon 0.05.
    assertTrue(eval.out().contains("episodic_life=false"), eval.out());
    assertTrue(eval.out().contains("clip_reward=false"), eval.out());
    JsonNode result = json(eval.lastLine());
    assertEquals(2, result.get("episodes").asInt());
    assertEquals(0.05, result.get("epsilon").asDouble(), 1e-9);
    for (String key : List.of("mean_return", "median_return", "min_return", "max_return")) {
      assertTrue(result.has(key), key);
    }
    // A full game of Breakout is five lives: well over a hundred agent steps even when played
    // badly (one life of a random player lasts ~40).
    assertTrue(result.get("mean_length").asDouble() > 100, eval.out());
    assertEquals(61, gifFrames(gif)); // the reset frame and one per step, up to the limit
  }

  @Test
  void withoutRomsTheErrorSaysHowToGetThem(@TempDir Path dir) throws Exception {
    Path empty = Files.createDirectory(dir.resolve("no-roms"));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    picocli.CommandLine cli = AgentMain.commandLine();
    cli.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
    int code =
        cli.execute(
            "train",
            "--env",
            "ALE/Breakout-v5",
            "--preset",
            "atari-fast",
            "--rom-dir",
            empty.toString(),
            "--out",
            dir.resolve("run").toString());
    String message = err.toString(StandardCharsets.UTF_8);
    assertEquals(1, code, message);
    assertTrue(message.startsWith("error: "), message);
    assertTrue(message.contains("NOT_FOUND"), message);
    assertTrue(message.contains("pip install ale-py==0.12.1"), message);
    assertFalse(message.contains("\tat "), "no stack trace: " + message);
  }

  @Test
  void rawFramesAreRefusedWithASuggestionThatPastesIntoBash(@TempDir Path dir) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    picocli.CommandLine cli = AgentMain.commandLine();
    cli.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
    int code =
        cli.execute(
            "train",
            "--env",
            "ALE/Breakout-v5",
            "--num-envs",
            "1",
            "--rom-dir",
            romDir,
            "--out",
            dir.resolve("run").toString());
    String message = err.toString(StandardCharsets.UTF_8);
    assertEquals(2, code, message);
    // Single quotes: bash would strip the double quotes of envKwargs={"preprocessing":"nature"}.
    assertTrue(message.contains("--set 'envKwargs={\"preprocessing\":\"nature\"}'"), message);
  }

  private static JsonNode trainerJson(Path checkpoint) throws Exception {
    return new ObjectMapper().readTree(checkpoint.resolve("trainer.json").toFile());
  }

  private static long directorySize(Path dir) throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private static int gifFrames(Path gif) throws Exception {
    ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
    try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
      reader.setInput(in);
      return reader.getNumImages(true);
    } finally {
      reader.dispose();
    }
  }
}
