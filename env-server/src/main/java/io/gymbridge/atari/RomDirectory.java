package io.gymbridge.atari;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the Atari ROMs are, and how that was decided: the {@code --rom-dir} option, else the {@code
 * GYMBRIDGE_ROM_DIR} or {@code ALE_ROM_DIR} environment variable (or ale-py's own {@code
 * ALE_ROMS_DIR}), else the {@code ale_py/roms} folder of an ale-py installed for {@code python3} on
 * the PATH or for the project's own {@code .venv}, found from where the server's classes are
 * ({@link #projectRootOf}; in a git worktree, the main checkout's {@code .venv} too), never from
 * the working directory: a {@code .venv/bin/python} planted in whatever folder the server starts in
 * must not run. The standalone env-server and the agent's in-process one both search this way, so
 * they find the same ROMs from any folder. ROMs are never part of this project: ale-py ships them
 * (GPL-2.0), so {@code pip install ale-py==0.12.1} is the usual way to get them.
 *
 * @param dir the folder holding {@code <game>.bin} files
 * @param source how it was found, for logs and error messages
 */
public record RomDirectory(Path dir, String source) {
  private static final Logger log = LoggerFactory.getLogger(RomDirectory.class);

  /** What a user can do when ROMs are missing; ends every ROM error message. */
  public static final String HOW_TO_PROVIDE =
      "Provide ROMs with --rom-dir DIR or ALE_ROM_DIR=DIR (a folder of <game>.bin files), or "
          + "install ale-py, which ships them: pip install ale-py==0.12.1";

  /** How long asking one python for ale-py's location may take. */
  private static final long PYTHON_TIMEOUT_SECONDS = 20;

  private static final String FIND_ALE_PY =
      "import importlib.util as u; s = u.find_spec('ale_py'); "
          + "print(s.submodule_search_locations[0] if s else '')";

  /**
   * Finds the ROM folder as the class doc says, logging where it came from or that none was found.
   *
   * @param option the {@code --rom-dir} value, or null
   * @param env the process environment
   * @param pythons interpreters to ask for ale-py, in order (missing ones are skipped)
   */
  public static Optional<RomDirectory> find(
      Path option, Map<String, String> env, List<Path> pythons) {
    Optional<RomDirectory> found = locate(option, env, pythons);
    if (found.isPresent()) {
      log.info("Atari ROMs: {} (from {})", found.get().dir(), found.get().source());
    } else {
      log.info(
          "Atari ROMs: none found (no --rom-dir, GYMBRIDGE_ROM_DIR or ALE_ROM_DIR, no ale-py for"
              + " {}); serving no "
              + "Atari envs. {}",
          pythons,
          HOW_TO_PROVIDE);
    }
    return found;
  }

  private static Optional<RomDirectory> locate(
      Path option, Map<String, String> env, List<Path> pythons) {
    if (option != null) {
      return Optional.of(checked(option, "--rom-dir"));
    }
    for (String var : List.of("GYMBRIDGE_ROM_DIR", "ALE_ROM_DIR", "ALE_ROMS_DIR")) {
      String v = env.get(var);
      if (v != null && !v.isBlank()) {
        return Optional.of(checked(Path.of(v), "the environment variable " + var));
      }
    }
    for (Path python : pythons) {
      Optional<Path> roms = aleRomsOf(python);
      if (roms.isPresent()) {
        return Optional.of(new RomDirectory(roms.get(), "the ale-py package of " + python));
      }
    }
    return Optional.empty();
  }

  /**
   * The interpreters worth asking: python3 on the PATH, then {@code .venv/bin/python} under each of
   * {@code projectRoots} (absolute paths: a relative root would follow the working directory) and,
   * for a root that is a git worktree, under its main checkout: {@code bin/python-venv} makes one
   * {@code .venv} per checkout, and a worktree made later has none of its own.
   */
  public static List<Path> defaultPythons(List<Path> projectRoots) {
    Set<Path> pythons = new LinkedHashSet<>();
    pythons.add(Path.of("python3"));
    for (Path root : projectRoots) {
      if (!root.isAbsolute()) {
        throw new IllegalArgumentException("project root " + root + " must be an absolute path");
      }
      List<Path> checkouts = new ArrayList<>(List.of(root));
      mainCheckoutOf(root).ifPresent(checkouts::add);
      for (Path checkout : checkouts) {
        Path venvPython = checkout.resolve(".venv/bin/python").normalize();
        if (Files.isExecutable(venvPython)) {
          pythons.add(venvPython);
        }
      }
    }
    return new ArrayList<>(pythons);
  }

  /**
   * The main checkout of a git worktree: its {@code .git} is a file {@code gitdir:
   * MAIN/.git/worktrees/NAME}. Empty for a main checkout (whose {@code .git} is a folder) and for
   * anything else.
   */
  static Optional<Path> mainCheckoutOf(Path root) {
    Path dotGit = root.resolve(".git");
    if (!Files.isRegularFile(dotGit)) {
      return Optional.empty();
    }
    try {
      String line = Files.readString(dotGit, StandardCharsets.UTF_8).strip();
      if (!line.startsWith("gitdir:")) {
        return Optional.empty();
      }
      Path gitdir = root.resolve(line.substring("gitdir:".length()).strip()).normalize();
      Path worktrees = gitdir.getParent();
      Path mainGit = worktrees == null ? null : worktrees.getParent();
      if (mainGit == null
          || !worktrees.getFileName().toString().equals("worktrees")
          || !mainGit.getFileName().toString().equals(".git")) {
        return Optional.empty();
      }
      return Optional.ofNullable(mainGit.getParent());
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * The checkout that {@code codeLocation} (a jar or a classes folder) was built in: the nearest of
   * its first four ancestors holding the Maven Wrapper ({@code mvnw}), so {@code
   * env-server/target/x.jar}, {@code env-server/target/classes} and {@code agent/target/lib/x.jar}
   * all lead to the repository root. Empty for an installed jar (an image's {@code /opt}).
   */
  public static Optional<Path> projectRootOf(Path codeLocation) {
    Path dir = codeLocation.toAbsolutePath().normalize().getParent();
    for (int i = 0; i < 4 && dir != null; i++, dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("mvnw"))) {
        return Optional.of(dir);
      }
    }
    return Optional.empty();
  }

  /** An explicitly named folder must exist: a typo there should stop the server, not hide envs. */
  private static RomDirectory checked(Path dir, String source) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(
          "ROM directory " + dir + " (from " + source + ") is not a directory");
    }
    return new RomDirectory(dir.toAbsolutePath().normalize(), source);
  }

  private static Optional<Path> aleRomsOf(Path python) {
    Process p;
    try {
      p =
          new ProcessBuilder(python.toString(), "-c", FIND_ALE_PY)
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.PIPE)
              .start();
    } catch (IOException e) {
      log.debug("no {} to ask for ale-py: {}", python, e.getMessage());
      return Optional.empty();
    }
    try (InputStream in = p.getInputStream()) {
      p.getOutputStream().close();
      String out = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(PYTHON_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return Optional.empty();
      }
      if (p.exitValue() != 0 || out.isEmpty() || out.contains("\n")) {
        return Optional.empty();
      }
      Path roms = Path.of(out, "roms");
      return Files.isDirectory(roms) ? Optional.of(roms) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** The {@code <game>.bin} file of {@code game} here (it may not exist). */
  public Path romPath(String game) {
    return dir.resolve(game + ".bin");
  }
}
