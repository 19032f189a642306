package io.gymbridge.atari;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where ROMs come from: --rom-dir, then ALE_ROM_DIR, then an installed ale-py; else none. */
class RomDirectoryTest {
  @TempDir Path tmp;

  private static final List<Path> NO_PYTHON = List.of(Path.of("/nonexistent/python3"));

  @Test
  void theOptionWinsOverTheEnvironment() throws Exception {
    Path a = Files.createDirectory(tmp.resolve("a"));
    Path b = Files.createDirectory(tmp.resolve("b"));
    RomDirectory d = RomDirectory.find(a, Map.of("ALE_ROM_DIR", b.toString()), NO_PYTHON).get();
    assertEquals(a, d.dir());
    assertEquals("--rom-dir", d.source());
  }

  @Test
  void aleRomDirIsUsedWithoutTheOption() throws Exception {
    Path b = Files.createDirectory(tmp.resolve("b"));
    RomDirectory d = RomDirectory.find(null, Map.of("ALE_ROM_DIR", b.toString()), NO_PYTHON).get();
    assertEquals(b, d.dir());
    assertTrue(d.source().contains("ALE_ROM_DIR"));
  }

  @Test
  void gymbridgeRomDirComesBeforeAleRomDir() throws Exception {
    Path a = Files.createDirectory(tmp.resolve("a"));
    Path b = Files.createDirectory(tmp.resolve("b"));
    Map<String, String> env =
        Map.of("GYMBRIDGE_ROM_DIR", a.toString(), "ALE_ROM_DIR", b.toString());
    RomDirectory d = RomDirectory.find(null, env, NO_PYTHON).get();
    assertEquals(a, d.dir());
    assertTrue(d.source().contains("GYMBRIDGE_ROM_DIR"), d.source());
  }

  @Test
  void aWorktreeAlsoAsksItsMainCheckoutsVenv() throws Exception {
    Path main = Files.createDirectories(tmp.resolve("main"));
    Files.createDirectories(main.resolve(".git/worktrees/wt"));
    Path python = Files.createDirectories(main.resolve(".venv/bin")).resolve("python");
    Files.writeString(python, "#!/bin/sh\n");
    Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwx------"));
    Path worktree = Files.createDirectories(tmp.resolve("wt"));
    Files.writeString(worktree.resolve(".git"), "gitdir: " + main.resolve(".git/worktrees/wt"));
    assertEquals(
        List.of(Path.of("python3"), python), RomDirectory.defaultPythons(List.of(worktree)));
    // A main checkout (its .git a folder) and a .git file pointing anywhere else add nothing.
    assertEquals(List.of(Path.of("python3"), python), RomDirectory.defaultPythons(List.of(main)));
    Files.writeString(worktree.resolve(".git"), "gitdir: " + tmp.resolve("elsewhere/x"));
    assertEquals(List.of(Path.of("python3")), RomDirectory.defaultPythons(List.of(worktree)));
  }

  @Test
  void aNamedFolderThatIsNotThereStopsTheServer() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> RomDirectory.find(tmp.resolve("missing"), Map.of(), NO_PYTHON));
    assertTrue(e.getMessage().contains("--rom-dir"), e.getMessage());
  }

  @Test
  void withNothingToAskThereAreNoRoms() {
    assertTrue(RomDirectory.find(null, Map.of(), NO_PYTHON).isEmpty());
  }

  @Test
  void anInstalledAlePyIsFoundThroughItsPython() {
    Path root = Path.of("..").toAbsolutePath().normalize();
    Path venvPython =
        RomDirectory.defaultPythons(List.of(root)).stream()
            .filter(p -> p.isAbsolute())
            .findFirst()
            .orElse(root.resolve(".venv/bin/python"));
    if (!Files.isExecutable(venvPython)) {
      throw new AssertionError(
          venvPython + " is missing: bin/test creates it with ale-py (bin/python-venv)");
    }
    RomDirectory d = RomDirectory.find(null, Map.of(), List.of(venvPython)).get();
    assertTrue(d.dir().endsWith(Path.of("ale_py", "roms")), d.dir().toString());
    assertTrue(Files.isRegularFile(d.romPath("breakout")));
  }

  @Test
  void aVenvInTheWorkingDirectoryIsNeverRun() throws Exception {
    // A planted .venv/bin/python that leaves a mark when run, in the folder the server starts in.
    Path marker = tmp.resolve("ran");
    Path python = Files.createDirectories(tmp.resolve("cwd/.venv/bin")).resolve("python");
    Files.writeString(python, "#!/bin/sh\ntouch '" + marker + "'\n");
    Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwx------"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
                java, "-cp", System.getProperty("java.class.path"), RegistryFromCwd.class.getName())
            .directory(tmp.resolve("cwd").toFile())
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("out.log").toFile());
    for (String var : List.of("ALE_ROM_DIR", "ALE_ROMS_DIR", "GYMBRIDGE_ROM_DIR")) {
      pb.environment().remove(var);
    }
    Process p = pb.start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the registry took over 60 s");
    String log = Files.readString(tmp.resolve("out.log"));
    assertEquals(0, p.exitValue(), log);
    assertTrue(log.contains("Atari ROMs"), "the registry did not look for ROMs: " + log);
    assertTrue(Files.notExists(marker), "./.venv/bin/python was run: " + log);
  }

  @Test
  void theProjectRootIsFoundFromTheJarNotTheWorkingDirectory() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("checkout"));
    Files.writeString(root.resolve("mvnw"), "");
    Path jar = Files.createDirectories(root.resolve("agent/target/lib")).resolve("x.jar");
    assertEquals(root, RomDirectory.projectRootOf(jar).get());
    assertEquals(root, RomDirectory.projectRootOf(root.resolve("env-server/target/classes")).get());
    assertTrue(RomDirectory.projectRootOf(tmp.resolve("opt/gymbridge/x.jar")).isEmpty());
    assertThrows(
        IllegalArgumentException.class, () -> RomDirectory.defaultPythons(List.of(Path.of(""))));
  }
}
