package io.gymbridge.agent.cli;

import io.gymbridge.agent.train.NotARunException;
import io.gymbridge.client.RemoteEnvException;
import io.gymbridge.client.ServersNotReadyException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How {@code bin/agent} answers a mistake: one line on stderr that names the thing and says what to
 * do, never a stack trace unless {@code --verbose} asks for it. A usage error (a bad flag or value)
 * adds one hint line pointing at the command's --help and exits 2, as does a setting the command
 * refuses (an IllegalArgumentException); a failure while running (a server that is not there or
 * refuses, a file that cannot be read) exits 1. Printing the usage after a usage error, picocli's
 * default, buried the one line that mattered under 80 lines of options.
 */
final class CliErrors
    implements CommandLine.IParameterExceptionHandler, CommandLine.IExecutionExceptionHandler {
  static final int USAGE = 2;
  static final int FAILURE = 1;

  @Override
  public int handleParseException(ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    String message = e.getMessage();
    if (e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
      List<String> closest = closest(u.getUnmatched().get(0), u.getSuggestions());
      if (!closest.isEmpty()) {
        message += " (did you mean " + String.join(" or ", closest) + "?)";
      }
    }
    err.println("error: " + message);
    err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help'.");
    if (verbose(args)) {
      e.printStackTrace(err);
    }
    err.flush();
    return USAGE;
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
    PrintWriter err = cmd.getErr();
    boolean verbose = verbose(parsed);
    Answer a = answer(e, cmd.getCommandName());
    // One line even when a message quotes something multi-line (a server's text, a file's).
    String line = a.text().replaceAll("\\s*\\R\\s*", " ");
    err.println("error: " + line + (a.unexpected() && !verbose ? VERBOSE_HINT : ""));
    if (verbose) {
      e.printStackTrace(err);
    }
    err.flush();
    return a.exitCode();
  }

  private static final String VERBOSE_HINT = " (--verbose prints the stack trace)";

  /** The one line for a failure, its exit code, and whether it is a surprise (a likely bug). */
  record Answer(String text, int exitCode, boolean unexpected) {}

  static Answer answer(Throwable e, String command) {
    if (e instanceof NotARunException n) {
      String fix =
          command.equals("train")
              ? "to continue a run, give --out its directory; to start a new run there, leave out"
                  + " --resume"
              : "give the --out directory of a bin/agent train run";
      return new Answer(n.getMessage() + ": " + fix, USAGE, false);
    }
    if (e instanceof IllegalArgumentException) {
      return new Answer(e.getMessage(), USAGE, false);
    }
    if (e instanceof ServersNotReadyException n) {
      return new Answer(n.getMessage() + ". " + ConnectionAdvice.startServers(n), FAILURE, false);
    }
    if (e instanceof RemoteEnvException r) {
      String advice = ConnectionAdvice.forFailure(r);
      return new Answer(r.getMessage() + (advice.isEmpty() ? "" : ". " + advice), FAILURE, false);
    }
    if (e instanceof FileSystemException f) {
      return new Answer(describe(f), FAILURE, false);
    }
    if (e instanceof IOException) {
      return new Answer(e.getMessage(), FAILURE, false);
    }
    return new Answer(e.toString(), FAILURE, true);
  }

  /** "no such file: PATH" rather than Java's bare path as the message. */
  private static String describe(FileSystemException f) {
    String what =
        f instanceof NoSuchFileException
            ? "no such file or directory"
            : f instanceof AccessDeniedException
                ? "permission denied"
                : f.getReason() != null ? f.getReason() : f.getClass().getSimpleName();
    return f.getFile() + ": " + what;
  }

  /**
   * The suggestions nearest to what was typed (fewest edits): picocli suggests every option that
   * shares a prefix, so "--total-step" got "--token or --token-file or --total-steps".
   */
  static List<String> closest(String typed, List<String> suggestions) {
    int best = Integer.MAX_VALUE;
    List<String> out = new ArrayList<>();
    for (String s : suggestions) {
      int d = editDistance(typed, s);
      if (d < best) {
        best = d;
        out.clear();
      }
      if (d == best) {
        out.add(s);
      }
    }
    // Far off (more edits than half the word) is a guess, not a typo: suggest nothing.
    return best <= Math.max(2, typed.length() / 2) ? out : List.of();
  }

  private static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int subst = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(subst, Math.min(prev[j], cur[j - 1]) + 1);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private static boolean verbose(ParseResult parsed) {
    for (ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }

  /** A command line that did not parse has no ParseResult: look at the words. */
  private static boolean verbose(String[] args) {
    return List.of(args).contains("--verbose");
  }
}
