package io.gymbridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** bin/env-server --help (and health --help) in an 80-column terminal, and -V on both. */
class EnvServerHelpTest {
  private static String usage(CommandLine cmd, int width) {
    cmd.setUsageHelpWidth(width);
    StringWriter out = new StringWriter();
    cmd.usage(new PrintWriter(out));
    return out.toString();
  }

  @Test
  void helpFitsIn80ColumnsWithNoWordCutAtAWrap() {
    CommandLine main = EnvServerMain.commandLine();
    for (CommandLine cmd : new CommandLine[] {main, main.getSubcommands().get("health")}) {
      String narrow = usage(cmd, 80);
      for (String line : narrow.lines().toList()) {
        assertTrue(line.length() <= 80, line.length() + " columns: " + line);
      }
      // A word cut at a wrap leaves pieces that the same help 1000 columns wide does not have.
      Set<String> words = new HashSet<>(Arrays.asList(usage(cmd, 1000).split("\\s+")));
      for (String word : narrow.split("\\s+")) {
        assertTrue(words.contains(word), "'" + word + "' is a word cut at a wrap");
      }
    }
  }

  @Test
  void healthPrintsTheVersionToo() {
    for (String[] args : new String[][] {{"-V"}, {"health", "-V"}}) {
      StringWriter out = new StringWriter();
      CommandLine cli = EnvServerMain.commandLine();
      cli.setOut(new PrintWriter(out));
      assertEquals(0, cli.execute(args));
      assertTrue(
          out.toString().startsWith("gymbridge env-server "), String.join(" ", args) + ": " + out);
    }
  }
}
