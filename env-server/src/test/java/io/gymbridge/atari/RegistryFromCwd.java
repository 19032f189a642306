package io.gymbridge.atari;

import io.gymbridge.server.EnvServerMain;

/**
 * Builds the server's registry with no ROM settings, as {@code bin/env-server} does at start; run
 * by {@link RomDirectoryTest} in a JVM of its own, whose working directory it chooses.
 */
public final class RegistryFromCwd {
  private RegistryFromCwd() {}

  public static void main(String[] args) {
    EnvServerMain.registry(null);
  }
}
