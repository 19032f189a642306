package io.gymbridge.transport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where a bearer token comes from, in order: a {@code --token} flag, a {@code --token-file} flag,
 * the environment's {@code GYMBRIDGE_TOKEN}, then {@code GYMBRIDGE_TOKEN_FILE}. A file (a mounted
 * Kubernetes or compose secret) or the environment keeps the token out of process listings, which
 * show every flag; the flag stays for quick local use. Files are read as UTF-8 with surrounding
 * whitespace (a trailing newline) stripped. Same names and order in the Python package.
 */
public final class Tokens {
  public static final String ENV_TOKEN = "GYMBRIDGE_TOKEN";
  public static final String ENV_TOKEN_FILE = "GYMBRIDGE_TOKEN_FILE";

  private Tokens() {}

  /**
   * The token from the first source that is set, or null when none is.
   *
   * @param flag the value of {@code --token}, or null
   * @param file the path of {@code --token-file}, or null
   * @param env the process environment (System.getenv() outside tests)
   * @throws IllegalArgumentException a token file that cannot be read, or a blank token
   */
  public static String resolve(String flag, Path file, Map<String, String> env) {
    String token;
    String source;
    if (flag != null) {
      token = flag;
      source = "--token";
    } else if (file != null) {
      token = read(file, "--token-file");
      source = "--token-file " + file;
    } else if (env.get(ENV_TOKEN) != null) {
      token = env.get(ENV_TOKEN);
      source = ENV_TOKEN;
    } else if (env.get(ENV_TOKEN_FILE) != null) {
      Path envFile = Path.of(env.get(ENV_TOKEN_FILE));
      token = read(envFile, ENV_TOKEN_FILE);
      source = ENV_TOKEN_FILE + "=" + envFile;
    } else {
      return null;
    }
    token = token.strip();
    if (token.isEmpty()) {
      throw new IllegalArgumentException("the bearer token from " + source + " is empty");
    }
    if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      // It travels in an HTTP/2 header: printable ASCII only, no spaces.
      throw new IllegalArgumentException(
          "the bearer token from " + source + " must be printable ASCII without spaces");
    }
    return token;
  }

  private static String read(Path file, String what) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          what + ": cannot read the token file " + file + " (" + e.getMessage() + ")", e);
    }
  }
}
