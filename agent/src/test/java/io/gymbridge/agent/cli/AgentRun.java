package io.gymbridge.agent.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** One in-process run of the {@code bin/agent} command line, with what it printed. */
record AgentRun(int exitCode, String out) {
  /** Runs {@code bin/agent args...} in this JVM, capturing standard output. */
  static AgentRun of(String... args) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      int code = AgentMain.commandLine().execute(args);
      return new AgentRun(code, buf.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(old);
    }
  }

  String lastLine() {
    List<String> lines = out.lines().toList();
    return lines.get(lines.size() - 1);
  }
}
