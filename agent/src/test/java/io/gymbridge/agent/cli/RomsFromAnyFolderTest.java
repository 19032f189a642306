package io.gymbridge.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's in-process env-server finds the Atari ROMs as bin/env-server does, whatever folder it
 * starts in: a fresh JVM started in an empty temporary folder, with none of the ROM variables set,
 * lists Breakout. The ROMs then come from ale-py in the checkout's .venv (bin/test makes it; a git
 * worktree uses its main checkout's), found from where the classes are.
 */
class RomsFromAnyFolderTest {
  @Test
  void anAgentStartedInAnotherFolderFindsTheRoms(@TempDir Path tmp) throws Exception {
    Path cwd = Files.createDirectory(tmp.resolve("elsewhere"));
    ProcessBuilder pb =
        AgentProcess.builder("envs", "--json")
            .directory(cwd.toFile())
            .redirectError(tmp.resolve("err.log").toFile())
            .redirectOutput(tmp.resolve("out.log").toFile());
    for (String var : List.of("ALE_ROM_DIR", "ALE_ROMS_DIR", "GYMBRIDGE_ROM_DIR")) {
      pb.environment().remove(var);
    }
    Process p = pb.start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "bin/agent envs took over 120 s");
    String out = Files.readString(tmp.resolve("out.log"));
    String err = Files.readString(tmp.resolve("err.log"));
    assertEquals(0, p.exitValue(), err);
    assertTrue(
        out.contains("\"ALE/Breakout-v5\""),
        "no Breakout from " + cwd + " (run bin/python-venv for ale-py's ROMs): " + err);
  }
}
