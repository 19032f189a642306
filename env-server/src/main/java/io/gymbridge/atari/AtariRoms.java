package io.gymbridge.atari;

import io.gymbridge.codec.ClientText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.ale.ALEInterface;

/**
 * The ROMs of a {@link RomDirectory} that ALE 0.7.3 can load, found by {@code
 * ALEInterface.isSupportedROM} (an MD5 lookup) without ever calling {@code loadROM}: a ROM ALE does
 * not know makes {@code loadROM} call C++ exit(1), which would end the server.
 *
 * <p>Also answers each game's {@link AtariGameInfo}: from {@link AtariGameTable} without a ROM load
 * (so listing every Atari id stays fast), else learnt by loading the ROM once and cached.
 */
public final class AtariRoms {
  private final RomDirectory directory;
  private final SortedMap<String, Path> supported;
  private final SortedMap<String, String> unsupported;
  private final Map<String, AtariGameInfo> infos = new ConcurrentHashMap<>();

  private AtariRoms(
      RomDirectory directory, SortedMap<String, Path> supported, SortedMap<String, String> bad) {
    this.directory = directory;
    this.supported = Collections.unmodifiableSortedMap(supported);
    this.unsupported = Collections.unmodifiableSortedMap(bad);
  }

  /** Checks every ale-py game's ROM in {@code directory}. */
  public static AtariRoms scan(RomDirectory directory) {
    SortedMap<String, Path> supported = new TreeMap<>();
    SortedMap<String, String> unsupported = new TreeMap<>();
    for (String game : AtariGames.ALL) {
      Path rom = directory.romPath(game);
      if (!Files.isRegularFile(rom)) {
        continue;
      }
      Optional<String> problem = supportProblem(rom);
      if (problem.isEmpty()) {
        supported.put(game, rom);
      } else {
        unsupported.put(game, problem.get());
      }
    }
    return new AtariRoms(directory, supported, unsupported);
  }

  /** No ROMs at all (no folder was found). */
  public static AtariRoms none() {
    return new AtariRoms(null, new TreeMap<>(), new TreeMap<>());
  }

  /**
   * Empty when ALE 0.7.3 supports the ROM file, else why not. ALE recognises ROMs by MD5; a file it
   * does not know (or a newer game, such as joust) makes isSupportedROM throw.
   */
  static Optional<String> supportProblem(Path rom) {
    AleNative.ensureLoaded();
    try {
      var name = ALEInterface.isSupportedROM(rom.toString());
      if (name == null || name.get() == null) {
        return Optional.of("ALE 0.7.3 does not recognise it");
      }
      return Optional.empty();
    } catch (RuntimeException e) {
      return Optional.of("ALE 0.7.3 does not recognise it (" + e.getMessage() + ")");
    }
  }

  public Optional<RomDirectory> directory() {
    return Optional.ofNullable(directory);
  }

  /** Game id to ROM path, for the ROMs ALE 0.7.3 loads. */
  public SortedMap<String, Path> supported() {
    return supported;
  }

  /** Game id to the reason its ROM file cannot be used. */
  public SortedMap<String, String> unsupported() {
    return unsupported;
  }

  /**
   * The ROM of {@code game}, checked again now (the file may have changed since the scan).
   *
   * @throws RomUnavailableException MISSING or UNSUPPORTED, with what is available and how to add
   *     ROMs
   */
  public Path requireRom(String game) {
    if (directory == null) {
      throw new RomUnavailableException(
          RomUnavailableException.Reason.MISSING,
          "game "
              + ClientText.quote(game)
              + ": this server found no Atari ROMs. "
              + RomDirectory.HOW_TO_PROVIDE);
    }
    // Only a known game's name becomes a path: a client's "../x" must not name a file.
    if (!AtariGames.ALL.contains(game)) {
      throw new RomUnavailableException(
          RomUnavailableException.Reason.MISSING,
          "game "
              + ClientText.quote(game)
              + ": not a game ale-py 0.12.1 knows; games available here: "
              + supported.keySet()
              + ". "
              + RomDirectory.HOW_TO_PROVIDE);
    }
    Path rom = directory.romPath(game);
    if (!Files.isRegularFile(rom)) {
      throw new RomUnavailableException(
          RomUnavailableException.Reason.MISSING,
          "game '"
              + game
              + "': no ROM "
              + rom
              + "; games available here: "
              + supported.keySet()
              + ". "
              + RomDirectory.HOW_TO_PROVIDE);
    }
    Optional<String> problem = supportProblem(rom);
    if (problem.isPresent()) {
      throw new RomUnavailableException(
          RomUnavailableException.Reason.UNSUPPORTED,
          "game '"
              + game
              + "': ROM "
              + rom
              + " cannot be used: "
              + problem.get()
              + " (a corrupt file, or a game newer than ALE 0.7.3); games available here: "
              + supported.keySet()
              + ". "
              + RomDirectory.HOW_TO_PROVIDE);
    }
    return rom;
  }

  /**
   * The game's action sets, modes and difficulties: from {@link AtariGameTable} when it lists the
   * game (no ROM load), else by loading the ROM once, then cached. Either way the ROM must be
   * usable.
   */
  public AtariGameInfo info(String game) {
    Path rom = requireRom(game);
    return infos.computeIfAbsent(
        game, g -> AtariGameTable.get(g).orElseGet(() -> AtariGameInfo.probe(rom)));
  }

  /** Games with a usable ROM, as a sorted list (for messages). */
  public List<String> games() {
    return new ArrayList<>(supported.keySet());
  }
}
