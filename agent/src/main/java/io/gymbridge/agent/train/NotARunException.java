package io.gymbridge.agent.train;

import java.nio.file.Path;

/**
 * A directory named as a run (to resume, evaluate or redraw) holds none: it has no config.json. A
 * usage error: the user named the wrong directory, or meant to start a run there.
 */
public final class NotARunException extends IllegalArgumentException {
  private final Path dir;

  public NotARunException(Path dir) {
    super(dir + " holds no run (no config.json)");
    this.dir = dir;
  }

  /** The directory that holds no run. */
  public Path dir() {
    return dir;
  }
}
