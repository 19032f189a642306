package io.gymbridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gymbridge.envs.EnvProvider;
import io.gymbridge.envs.EnvRegistration;
import io.gymbridge.envs.EnvRegistry;
import io.gymbridge.envs.classic.CartPoleEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading env plugins: what they add, and the errors that stop a server from starting. */
class EnvPluginsTest {
  private static EnvRegistration cartPoleAs(String id) {
    return new EnvRegistration(
        id, "a test env", CartPoleEnv::fromKwargs, Map.of(), 500, null, false, List.of(), 50);
  }

  @Test
  void aProviderAddsItsEnvsBesideTheBuiltInOnes() {
    EnvRegistry registry = EnvRegistry.builtin();
    EnvProvider plugin = r -> r.register(cartPoleAs("PluginPole-v0"));
    EnvPlugins.register(registry, List.of(plugin));
    assertTrue(registry.find("PluginPole-v0").isPresent());
    assertTrue(registry.find("CartPole-v1").isPresent());
  }

  @Test
  void aProviderThatTakesAnIdAlreadyServedStopsTheServerAndIsNamed() {
    EnvRegistry registry = EnvRegistry.builtin();
    EnvProvider clash = r -> r.register(cartPoleAs("CartPole-v1"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> EnvPlugins.register(registry, List.of(clash)));
    assertTrue(
        e.getMessage().startsWith("env plugin " + clash.getClass().getName()), e.getMessage());
    assertTrue(e.getMessage().contains("registered twice: CartPole-v1"), e.getMessage());
  }

  @Test
  void pluginPathsMustBeJarsOrFoldersOfJars(@TempDir Path dir) throws Exception {
    EnvRegistry registry = EnvRegistry.builtin();
    Path text = Files.writeString(dir.resolve("notes.txt"), "x");
    IllegalArgumentException notAJar =
        assertThrows(
            IllegalArgumentException.class, () -> EnvPlugins.register(registry, List.of(text)));
    assertEquals("--plugin: " + text + " is neither a .jar nor a folder", notAJar.getMessage());
    Path empty = Files.createDirectory(dir.resolve("empty"));
    IllegalArgumentException noJars =
        assertThrows(
            IllegalArgumentException.class, () -> EnvPlugins.register(registry, List.of(empty)));
    assertEquals("--plugin: the folder " + empty + " holds no .jar", noJars.getMessage());
  }

  @Test
  void aJarWithoutPluginsAddsNothing(@TempDir Path dir) throws Exception {
    Path jar = dir.resolve("empty.jar");
    try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new java.util.jar.JarEntry("README.txt"));
      out.write("no plugins here".getBytes());
    }
    EnvRegistry registry = EnvRegistry.builtin();
    int before = registry.all().size();
    EnvPlugins.register(registry, List.of(jar));
    assertEquals(before, registry.all().size());
  }
}
