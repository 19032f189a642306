package io.gymbridge.envs;

/**
 * A plugin that adds envs to the Java env-server: the contract between the server and env authors.
 * An implementation registers its env ids, each an {@link EnvRegistration} (id, factory, kwargs
 * with defaults, time limit, reward threshold, render modes), and the server serves them with the
 * same sessions, vector stepping, seeding, spec, wrappers (OrderEnforcing, TimeLimit) and limits as
 * its own envs.
 *
 * <p>Discovered with {@link java.util.ServiceLoader}: name the class in {@code
 * META-INF/services/io.gymbridge.envs.EnvProvider} of the plugin's jar, then put the jar on the
 * server's classpath or name it with {@code env-server --plugin PATH} ({@code GYMBRIDGE_PLUGINS}).
 * The class needs a public no-argument constructor. An env is an {@link Env}: see the interface,
 * {@link Transition}, {@link EnvRandom} for Gymnasium-compatible seeding and {@link Args} for
 * kwargs; {@code examples/chain-env} in the repository is a complete plugin.
 */
public interface EnvProvider {
  /**
   * Registers this plugin's envs; called once at server start, before any client connects.
   *
   * @throws IllegalArgumentException an id is already registered (the server refuses to start and
   *     names the plugin)
   */
  void register(EnvRegistry registry);
}
