package io.gymbridge.atari;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The generated game table (from ale-py 0.12.1) says what ALE 0.7.3 itself says after loading each
 * ROM: every game with a usable ROM is in the table, with the same action sets, modes,
 * difficulties, screen and RAM size. Loads all ~104 ROMs (~25 s).
 */
class AtariGameTableTest {

  @Test
  void tableMatchesAle073ForEveryUsableRom() {
    AtariRoms roms = TestRoms.require();
    List<String> mismatches = new ArrayList<>();
    long start = System.nanoTime();
    for (Map.Entry<String, Path> e : roms.supported().entrySet()) {
      String game = e.getKey();
      var table = AtariGameTable.get(game);
      if (table.isEmpty()) {
        mismatches.add(game + ": not in " + AtariGameTable.RESOURCE);
        continue;
      }
      AtariGameInfo ale = AtariGameInfo.probe(e.getValue());
      AtariGameInfo t = table.get();
      try {
        assertArrayEquals(ale.minimalActions(), t.minimalActions(), "minimal actions");
        assertArrayEquals(ale.legalActions(), t.legalActions(), "legal actions");
        assertArrayEquals(ale.modes(), t.modes(), "modes");
        assertArrayEquals(ale.difficulties(), t.difficulties(), "difficulties");
        assertEquals(ale.screenHeight(), t.screenHeight(), "screen height");
        assertEquals(ale.screenWidth(), t.screenWidth(), "screen width");
        assertEquals(ale.ramSize(), t.ramSize(), "RAM size");
      } catch (AssertionError err) {
        mismatches.add(game + ": " + err.getMessage());
      }
    }
    System.out.printf(
        "AtariGameTableTest: %d games compared with ALE 0.7.3 in %.1f s%n",
        roms.supported().size(), (System.nanoTime() - start) / 1e9);
    assertTrue(roms.supported().size() >= 100, "expected ~104 usable ROMs");
    assertEquals(List.of(), mismatches);
  }

  @Test
  void tableListsEverySinglePlayerGameOfAlePy() {
    for (String game : AtariGames.ALL) {
      assertEquals(
          !AtariGames.MULTI_PLAYER_ONLY.contains(game),
          AtariGameTable.all().containsKey(game),
          game);
    }
  }

  @Test
  void infoComesFromTheTableWithoutARomLoad() {
    AtariRoms roms = TestRoms.require();
    long probes = AtariGameInfo.probes();
    int listed = 0;
    for (String game : roms.supported().keySet()) {
      if (AtariGameTable.get(game).isPresent()) {
        roms.info(game);
        listed++;
      }
    }
    assertTrue(listed > 0, "no ROM of a game the table lists");
    assertEquals(
        probes, AtariGameInfo.probes(), "ROMs loaded for the info of " + listed + " games");
    assertArrayEquals(
        AtariGameTable.get("breakout").orElseThrow().minimalActions(),
        roms.info("breakout").minimalActions());
  }
}
