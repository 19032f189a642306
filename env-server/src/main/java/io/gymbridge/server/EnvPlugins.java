package io.gymbridge.server;

import io.gymbridge.envs.EnvProvider;
import io.gymbridge.envs.EnvRegistration;
import io.gymbridge.envs.EnvRegistry;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the {@link EnvProvider} plugins: those on the server's own classpath and those in the jars
 * named by {@code --plugin} (a jar, or a folder whose jars are all loaded), and has each register
 * its envs. One log line per plugin names it and its env ids.
 */
final class EnvPlugins {
  private static final Logger log = LoggerFactory.getLogger(EnvPlugins.class);

  private EnvPlugins() {}

  /**
   * Registers every plugin's envs into {@code registry}.
   *
   * @throws IllegalArgumentException a path is missing or holds no jar, a plugin cannot be loaded,
   *     or it registers an id that is taken; the message names the plugin
   */
  static void register(EnvRegistry registry, List<Path> paths) {
    ClassLoader loader = classLoader(paths);
    try {
      register(registry, ServiceLoader.load(EnvProvider.class, loader));
    } catch (ServiceConfigurationError e) {
      throw new IllegalArgumentException("env plugin could not be loaded: " + e.getMessage(), e);
    }
  }

  /** Has each provider register its envs, in order. */
  static void register(EnvRegistry registry, Iterable<EnvProvider> providers) {
    for (EnvProvider provider : providers) {
      registerOne(registry, provider);
    }
  }

  private static void registerOne(EnvRegistry registry, EnvProvider provider) {
    String name = provider.getClass().getName();
    Set<String> before = ids(registry);
    try {
      provider.register(registry);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("env plugin " + name + " failed: " + e.getMessage(), e);
    }
    List<String> added = ids(registry).stream().filter(id -> !before.contains(id)).toList();
    log.info("env plugin {} ({}): {}", name, source(provider), added);
  }

  private static Set<String> ids(EnvRegistry registry) {
    Set<String> ids = new HashSet<>();
    registry.all().stream().map(EnvRegistration::id).forEach(ids::add);
    return ids;
  }

  /** The server's own class loader, with the plugin jars added in a child loader. */
  private static ClassLoader classLoader(List<Path> paths) {
    ClassLoader parent = EnvPlugins.class.getClassLoader();
    if (paths.isEmpty()) {
      return parent;
    }
    List<URL> jars = new ArrayList<>();
    for (Path path : paths) {
      for (Path jar : jars(path)) {
        try {
          jars.add(jar.toUri().toURL());
        } catch (MalformedURLException e) {
          throw new IllegalArgumentException("--plugin: " + jar + ": " + e.getMessage(), e);
        }
      }
    }
    return new URLClassLoader("gymbridge-plugins", jars.toArray(URL[]::new), parent);
  }

  private static List<Path> jars(Path path) {
    if (Files.isRegularFile(path) && path.toString().endsWith(".jar")) {
      return List.of(path);
    }
    if (!Files.isDirectory(path)) {
      throw new IllegalArgumentException("--plugin: " + path + " is neither a .jar nor a folder");
    }
    try (Stream<Path> files = Files.list(path)) {
      List<Path> jars = files.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
      if (jars.isEmpty()) {
        throw new IllegalArgumentException("--plugin: the folder " + path + " holds no .jar");
      }
      return jars;
    } catch (IOException e) {
      throw new IllegalArgumentException("--plugin: cannot list " + path + ": " + e, e);
    }
  }

  private static String source(EnvProvider provider) {
    var source = provider.getClass().getProtectionDomain().getCodeSource();
    return source == null
        ? "unknown jar"
        : Path.of(source.getLocation().getPath()).getFileName().toString();
  }
}
