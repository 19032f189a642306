package io.gymbridge.atari;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A client names the game: what the refusal of a name it made up says, and what it never does. */
class AtariRomsTest {
  @Test
  void anUnknownGameIsRefusedWithoutNamingAFileAndQuotedShort() {
    AtariRoms roms = TestRoms.require();
    for (String game : new String[] {"../../../etc/passwd", "g".repeat(1_000_000)}) {
      RomUnavailableException e =
          assertThrows(RomUnavailableException.class, () -> roms.requireRom(game));
      assertEquals(RomUnavailableException.Reason.MISSING, e.reason());
      assertTrue(e.getMessage().contains("not a game ale-py 0.12.1 knows"), e.getMessage());
      assertTrue(e.getMessage().length() < 4000, "a message of " + e.getMessage().length());
      String dir = roms.directory().orElseThrow().dir().toString();
      assertTrue(
          !e.getMessage().contains(dir), "names a path in the ROM folder: " + e.getMessage());
    }
    assertTrue(roms.requireRom("pong").toString().endsWith("pong.bin"));
  }
}
