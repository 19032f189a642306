package io.gymbridge.transport;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.ServiceLoader;

/**
 * An env server started inside this JVM on a loopback port, for a program given no server address
 * (the agent trains this way by default). Clients still reach it through real gRPC over a real
 * socket, so nothing bypasses the contract. A program finds it with {@link ServiceLoader} instead
 * of compiling against a server: the Java env-server module registers a {@link Factory}, and a
 * program built without it is told to name a server instead.
 */
public interface InProcessServer extends AutoCloseable {

  /** host:port to give a client. */
  String address();

  /** Stops the server; idempotent. */
  @Override
  void close();

  /** Starts in-process servers; registered in {@code META-INF/services} by a server module. */
  interface Factory {
    /**
     * Starts a plaintext server on loopback that offers {@code envId}, or every env it can host
     * when {@code envId} is null.
     *
     * @param romDir where Atari ROMs are, or null to look where the standalone server looks
     * @throws IOException no port could be bound
     */
    InProcessServer start(String envId, Path romDir) throws IOException;
  }

  /**
   * Starts the in-process server of the first {@link Factory} on the class path.
   *
   * @throws IllegalStateException no server module is on the class path
   */
  static InProcessServer start(String envId, Path romDir) throws IOException {
    Iterator<Factory> factories = ServiceLoader.load(Factory.class).iterator();
    if (!factories.hasNext()) {
      throw new IllegalStateException(
          "no in-process env server in this build (gymbridge-env-server is not on the class"
              + " path): name a running server with --server HOST:PORT");
    }
    return factories.next().start(envId, romDir);
  }
}
