package io.gymbridge.atari;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The real ROMs for the Atari tests: ALE_ROM_DIR (bin/test sets it from the project's venv), else
 * an ale-py installed for python3 or the project's .venv. Tests that need ROMs fail, never skip,
 * when there are none: a build without them has not tested Atari.
 */
public final class TestRoms {
  private static AtariRoms roms;

  private TestRoms() {}

  /** The scanned ROM folder, shared by every test of the run. */
  public static synchronized AtariRoms require() {
    if (roms == null) {
      Optional<RomDirectory> dir =
          RomDirectory.find(
              null,
              System.getenv(),
              RomDirectory.defaultPythons(List.of(Path.of("..").toAbsolutePath())));
      if (dir.isEmpty()) {
        fail(
            "no Atari ROMs for the tests: set ALE_ROM_DIR to ale-py's roms folder, or run bin/test "
                + "(it installs ale-py==0.12.1 into .venv with bin/python-venv and exports "
                + "ALE_ROM_DIR)");
      }
      AtariRoms scanned = AtariRoms.scan(dir.get());
      for (String game : List.of("breakout", "pong", "space_invaders", "seaquest")) {
        if (!scanned.supported().containsKey(game)) {
          fail("the ROM folder " + dir.get().dir() + " has no usable " + game + ".bin");
        }
      }
      roms = scanned;
    }
    return roms;
  }
}
