package io.gymbridge.agent.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code bin/agent args...} as a JVM of its own, on this test's class path. */
final class AgentProcess {
  private AgentProcess() {}

  static ProcessBuilder builder(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(AgentMain.class.getName());
    command.addAll(List.of(args));
    return new ProcessBuilder(command);
  }
}
