package io.gymbridge.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gymbridge.envs.EnvRegistry;
import io.gymbridge.server.EnvServer;
import io.gymbridge.server.EnvServerMain;
import io.gymbridge.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent against a server that requires a bearer token: the token from a file, never shown. */
class SecuredServerCliTest {
  private static final String TOKEN = "agent-cli-test-token";

  /** What a run printed on stdout and stderr together, and its exit code. */
  private record Run(int code, String text) {}

  private static Run run(String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream oldErr = System.err;
    // Before the command line exists: its subcommands bind their error writers to System.err.
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      AgentRun r = AgentRun.of(args);
      return new Run(r.exitCode(), r.out() + err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(oldErr);
    }
  }

  @Test
  void trainsWithTheTokenFromAFileAndFailsInOneLineWithout(@TempDir Path dir) throws Exception {
    Path tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n");
    ServerConfig config = ServerConfig.defaults().withToken(TOKEN);
    try (EnvServer server =
        new EnvServer(EnvServerMain.nettyBuilder(config), EnvRegistry.builtin(), config).start()) {
      String address = "127.0.0.1:" + server.port();
      Path run = dir.resolve("run");
      Run ok =
          run(
              "train",
              "--server",
              address,
              "--token-file",
              tokenFile.toString(),
              "--out",
              run.toString(),
              "--total-steps",
              "600",
              "--set",
              "learningStarts=300");
      assertEquals(0, ok.code(), ok.text());
      String saved = Files.readString(run.resolve("config.json"));
      assertFalse(saved.contains(TOKEN), "the token must not be saved with the run");
      assertFalse(ok.text().contains(TOKEN), "the token must not be printed");

      Run refused =
          run(
              "train",
              "--server",
              address,
              "--out",
              dir.resolve("run2").toString(),
              "--total-steps",
              "600");
      String text = refused.text();
      assertEquals(1, refused.code(), text);
      assertTrue(text.contains("UNAUTHENTICATED"), text);
      assertTrue(text.contains("requires a bearer token: pass --token-file FILE"), text);
      assertFalse(text.contains("\tat "), "no stack trace: " + text);

      Run wrong =
          run("probe", "--server", address, "--env", "CartPole-v1", "--token", "not-the-token");
      assertEquals(1, wrong.code(), wrong.text());
      assertTrue(wrong.text().contains("UNAUTHENTICATED"), wrong.text());
    }
  }
}
