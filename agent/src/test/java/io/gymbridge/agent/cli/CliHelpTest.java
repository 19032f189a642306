package io.gymbridge.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.gymbridge.agent.train.ConfigLoader;
import io.gymbridge.agent.train.TrainConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IllegalFormatException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Every command's --help as a newcomer reads it in an 80-column terminal: no line past 80, no word
 * cut in two at a wrap, every option described, every command summarised in one whole sentence, and
 * nothing picocli would warn about (a lone '%' it cannot format).
 */
class CliHelpTest {
  private static final int WIDTH = 80;

  /** The command and every subcommand, depth first. */
  private static List<CommandLine> commands() {
    List<CommandLine> all = new ArrayList<>();
    collect(AgentMain.commandLine(), all);
    return all;
  }

  private static void collect(CommandLine cmd, List<CommandLine> into) {
    into.add(cmd);
    cmd.getSubcommands().values().forEach(sub -> collect(sub, into));
  }

  private static String usage(CommandLine cmd, int width) {
    cmd.setUsageHelpWidth(width);
    StringWriter out = new StringWriter();
    cmd.usage(new PrintWriter(out));
    return out.toString();
  }

  @Test
  void everyLineFitsIn80ColumnsAndNoWordIsCutAtAWrap() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream oldErr = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      for (CommandLine cmd : commands()) {
        String name = cmd.getCommandSpec().qualifiedName();
        String narrow = usage(cmd, WIDTH);
        for (String line : narrow.lines().toList()) {
          assertTrue(line.length() <= WIDTH, name + ": " + line.length() + " columns: " + line);
        }
        // A word cut at a wrap ("ale-py==0." / "12.1") leaves pieces that the unwrapped text,
        // the same help 1000 columns wide, does not have.
        Set<String> words = new HashSet<>(Arrays.asList(usage(cmd, 1000).split("\\s+")));
        for (String word : narrow.split("\\s+")) {
          assertTrue(words.contains(word), name + ": '" + word + "' is a word cut at a wrap");
        }
      }
    } finally {
      System.setErr(oldErr);
    }
    assertEquals("", err.toString(StandardCharsets.UTF_8), "picocli printed warnings");
  }

  @Test
  void everyOptionHasADescriptionThatPicocliCanFormat() {
    for (CommandLine cmd : commands()) {
      CommandSpec spec = cmd.getCommandSpec();
      List<String> texts = new ArrayList<>();
      texts.addAll(List.of(spec.usageMessage().header()));
      texts.addAll(List.of(spec.usageMessage().description()));
      texts.addAll(List.of(spec.usageMessage().footer()));
      List<ArgSpec> args = new ArrayList<>(spec.options());
      args.addAll(spec.positionalParameters());
      for (ArgSpec arg : args) {
        String text = String.join(" ", arg.description()).strip();
        assertFalse(text.isEmpty(), spec.qualifiedName() + ": " + arg + " has no description");
        texts.addAll(List.of(arg.description()));
      }
      // picocli runs each through String.format; one it cannot format is printed raw, after a
      // "[picocli WARN]" on stderr (bench-replay's "75% of memory" did that).
      for (String text : texts) {
        try {
          String.format(text);
        } catch (IllegalFormatException e) {
          fail(spec.qualifiedName() + ": picocli cannot format '" + text + "': " + e);
        }
      }
    }
  }

  @Test
  void everyCommandIsSummarisedInOneWholeSentence() {
    for (CommandLine sub : AgentMain.commandLine().getSubcommands().values()) {
      CommandSpec spec = sub.getCommandSpec();
      // The list of commands shows the first header line (else the first description line):
      // one array element, so that the summary is not a sentence cut after its first line.
      String[] header = spec.usageMessage().header();
      assertEquals(1, header.length, spec.name() + ": the summary should be one header line");
      assertTrue(header[0].endsWith("."), spec.name() + ": '" + header[0] + "' is not a sentence");
    }
  }

  @Test
  void everyCommandPrintsTheVersion() {
    for (CommandLine cmd : commands()) {
      String name = cmd.getCommandSpec().qualifiedName();
      List<String> words =
          new ArrayList<>(List.of(name.split(" ")).subList(1, name.split(" ").length));
      words.add("-V");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      PrintStream old = System.out;
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      try {
        assertEquals(0, AgentMain.commandLine().execute(words.toArray(String[]::new)), name);
      } finally {
        System.setOut(old);
      }
      assertTrue(
          out.toString(StandardCharsets.UTF_8).startsWith("gymbridge agent "),
          name + " -V printed: " + out);
    }
  }

  @Test
  void trainsDefaultsFromThePresetAreTheOnesItsHelpNames() {
    String help = usage(AgentMain.commandLine().getSubcommands().get("train"), 1000);
    TrainConfig d = new ConfigLoader().preset("default").build();
    TrainConfig fast = new ConfigLoader().preset("atari-fast").build();
    for (String said :
        List.of(
            d.numEnvs() + " for default",
            fast.numEnvs() + " for atari-fast",
            d.totalSteps() + " for default",
            fast.totalSteps() + " for atari-fast",
            "default: " + d.seed() + ",",
            "default: the preset's: " + d.envId(),
            fast.envId() + " for atari, nature and atari-fast")) {
      assertTrue(help.contains(said), "train --help should say '" + said + "':\n" + help);
    }
  }
}
