package io.gymbridge.atari;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Each game's {@link AtariGameInfo} without loading its ROM: the minimal action set, modes and
 * difficulties from {@code atari-games.tsv} (written by {@code
 * python/tools/gen_atari_game_table.py} from ale-py 0.12.1, checked against ALE 0.7.3 by
 * AtariGameTableTest), and what every Atari 2600 game in ALE shares: 18 legal actions, a 210x160
 * screen and 128 bytes of RAM.
 *
 * <p>Loading a ROM to learn these costs ~0.24 s a game, ~25 s for the 104 games a ListEnvs lists.
 */
public final class AtariGameTable {
  static final String RESOURCE = "atari-games.tsv";

  private static final Map<String, AtariGameInfo> TABLE = load();

  private AtariGameTable() {}

  /** The game's info from the table; empty for a game the table does not list. */
  public static Optional<AtariGameInfo> get(String game) {
    AtariGameInfo info = TABLE.get(game);
    return info == null ? Optional.empty() : Optional.of(copy(info));
  }

  /** Every game of the table, sorted. */
  public static Map<String, AtariGameInfo> all() {
    return TABLE;
  }

  private static AtariGameInfo copy(AtariGameInfo i) {
    return new AtariGameInfo(
        i.minimalActions().clone(),
        i.legalActions().clone(),
        i.modes().clone(),
        i.difficulties().clone(),
        i.screenHeight(),
        i.screenWidth(),
        i.ramSize());
  }

  private static Map<String, AtariGameInfo> load() {
    Map<String, AtariGameInfo> table = new TreeMap<>();
    try (InputStream in = AtariGameTable.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource " + RESOURCE + " is missing from the build");
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.split("\t", -1);
        if (f.length != 8) {
          throw new IllegalStateException(
              RESOURCE + " line " + n + ": expected 8 tab-separated fields, got " + f.length);
        }
        table.put(
            f[0],
            new AtariGameInfo(
                ints(f[1]),
                ints(f[2]),
                ints(f[3]),
                ints(f[4]),
                Integer.parseInt(f[5]),
                Integer.parseInt(f[6]),
                Integer.parseInt(f[7])));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Collections.unmodifiableMap(table);
  }

  private static int[] ints(String csv) {
    return csv.isEmpty()
        ? new int[0]
        : Arrays.stream(csv.split(",")).mapToInt(Integer::parseInt).toArray();
  }
}
