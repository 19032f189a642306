package io.gymbridge.atari;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.ale.ALEInterface;
import org.bytedeco.javacpp.IntPointer;

/**
 * What a game offers, read from ALE after loading its ROM once: action sets (ALE action ids), game
 * modes, difficulties, screen size and RAM size.
 *
 * @param minimalActions {@code getMinimalActionSet()}: the actions that do something in this game
 * @param legalActions {@code getLegalActionSet()}: all 18 joystick actions
 */
public record AtariGameInfo(
    int[] minimalActions,
    int[] legalActions,
    int[] modes,
    int[] difficulties,
    int screenHeight,
    int screenWidth,
    int ramSize) {
  private static final AtomicLong PROBES = new AtomicLong();

  /**
   * How many times {@link #probe} has loaded a ROM in this JVM (tests check the table spares it).
   */
  static long probes() {
    return PROBES.get();
  }

  /** Loads {@code rom} (already checked with isSupportedROM) into a throwaway ALE and reads it. */
  static AtariGameInfo probe(Path rom) {
    PROBES.incrementAndGet();
    try (ALEInterface ale = AleNative.newInterface()) {
      ale.loadROM(rom.toString());
      return new AtariGameInfo(
          ints(ale.getMinimalActionSet()),
          ints(ale.getLegalActionSet()),
          ints(ale.getAvailableModes()),
          ints(ale.getAvailableDifficulties()),
          (int) ale.getScreen().height(),
          (int) ale.getScreen().width(),
          (int) ale.getRAM().size());
    }
  }

  /** A std::vector<int> that JavaCPP returned as an IntPointer whose limit is the vector's size. */
  static int[] ints(IntPointer p) {
    int[] out = new int[(int) (p.limit() - p.position())];
    p.get(out);
    return out;
  }
}
