package io.gymbridge.agent.train;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The SHA-256 of every file of a checkpoint, in {@value #FILE} beside them, written last (before
 * the checkpoint is renamed into place). The format is sha256sum's, so {@code cd step-N &&
 * sha256sum -c SHA256SUMS} checks a checkpoint by hand too. A checkpoint written before checksums
 * existed has no such file and is taken as it is.
 */
final class CheckpointChecksums {
  static final String FILE = "SHA256SUMS";

  private CheckpointChecksums() {}

  /** Writes {@value #FILE} for every file under {@code checkpoint}. */
  static void write(Path checkpoint) throws IOException {
    StringBuilder sums = new StringBuilder();
    for (Path f : files(checkpoint)) {
      sums.append(sha256(f)).append("  ").append(relative(checkpoint, f)).append('\n');
    }
    Files.writeString(checkpoint.resolve(FILE), sums);
  }

  /**
   * What is wrong with a checkpoint's files, if anything: a file listed in {@value #FILE} that is
   * missing or whose content no longer has its checksum (named, with its size).
   */
  static Optional<String> verify(Path checkpoint) throws IOException {
    Path sums = checkpoint.resolve(FILE);
    if (!Files.exists(sums)) {
      return Optional.empty();
    }
    for (String line : Files.readAllLines(sums)) {
      if (line.isBlank()) {
        continue;
      }
      int sep = line.indexOf("  ");
      if (sep != 64) {
        return Optional.of(FILE + " is damaged (line '" + line + "')");
      }
      String expected = line.substring(0, sep);
      String name = line.substring(sep + 2);
      Path f = checkpoint.resolve(name);
      if (!Files.isRegularFile(f)) {
        return Optional.of(name + " is missing");
      }
      if (!sha256(f).equals(expected)) {
        return Optional.of(
            name
                + " does not match its checksum ("
                + String.format("%,d", Files.size(f))
                + " bytes; damaged or changed since it was written)");
      }
    }
    return Optional.empty();
  }

  private static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> !p.getFileName().toString().equals(FILE))
          .sorted()
          .toList();
    }
  }

  private static String relative(Path dir, Path file) {
    return dir.relativize(file).toString().replace('\\', '/');
  }

  static String sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
    byte[] buf = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        digest.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
