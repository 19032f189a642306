package io.gymbridge.atari;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
    Path venvPython = Path.of("..", ".venv", "bin", "python").toAbsolutePath().normalize();
    if (!Files.isExecutable(venvPython)) {
      throw new AssertionError(
          venvPython + " is missing: bin/test creates it with ale-py (bin/python-venv)");
    }
    RomDirectory d = RomDirectory.find(null, Map.of(), List.of(venvPython)).get();
    assertTrue(d.dir().endsWith(Path.of("ale_py", "roms")), d.dir().toString());
    assertTrue(Files.isRegularFile(d.romPath("breakout")));
  }
}
