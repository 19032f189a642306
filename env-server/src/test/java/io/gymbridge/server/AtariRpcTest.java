package io.gymbridge.server;

import static io.gymbridge.server.Wire.assertStatus;
import static io.gymbridge.server.Wire.make;
import static io.gymbridge.server.Wire.reset;
import static io.gymbridge.server.Wire.step;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Status.Code;
import io.gymbridge.atari.AtariRegistrations;
import io.gymbridge.atari.AtariRoms;
import io.gymbridge.atari.RomDirectory;
import io.gymbridge.atari.TestRoms;
import io.gymbridge.envs.EnvRegistry;
import io.gymbridge.v1.MakeRequest;
import io.gymbridge.v1.Value;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Atari over real gRPC: missing and unsupported ROMs are clear statuses and never reach ALE's
 * exit(1) (the server, and this JVM, keep serving); with no ROMs at all CartPole still works.
 */
class AtariRpcTest {
  @TempDir Path romDir;

  private static EnvRegistry registryWith(AtariRoms roms) {
    EnvRegistry registry = EnvRegistry.builtin();
    AtariRegistrations.register(registry, roms);
    return registry;
  }

  /** A ROM folder with a real pong.bin and a junk breakout.bin. */
  private AtariRoms pongAndJunkBreakout() throws Exception {
    Path realPong = TestRoms.require().supported().get("pong");
    Files.copy(realPong, romDir.resolve("pong.bin"));
    Files.write(romDir.resolve("breakout.bin"), new byte[] {1, 2, 3, 4});
    return AtariRoms.scan(new RomDirectory(romDir, "a test folder"));
  }

  @Test
  void anUnsupportedRomIsFailedPreconditionAndTheServerLivesOn() throws Exception {
    AtariRoms roms = pongAndJunkBreakout();
    assertEquals(java.util.List.of("pong"), roms.games());
    try (TestServer server = TestServer.start(TestServer.config(), registryWith(roms))) {
      MakeRequest junk =
          make("ALE/Pong-v5", 1).toBuilder()
              .putKwargs("game", Value.newBuilder().setStringValue("breakout").build())
              .build();
      assertStatus(
          Code.FAILED_PRECONDITION,
          () -> server.env().make(junk),
          "breakout.bin",
          "cannot be used",
          "[pong]",
          "ALE_ROM_DIR");
      assertStatus(
          Code.NOT_FOUND,
          () -> server.env().make(make("ALE/Breakout-v5", 1)),
          "breakout.bin cannot be used",
          "--rom-dir");
      String id = server.env().make(make("ALE/Pong-v5", 1)).getSessionId();
      server.env().reset(reset(id, 0));
      assertEquals(1, server.env().step(step(id, 0)).getRewardsCount());
    }
  }

  @Test
  void aMissingRomIsNotFoundWithWhatIsAvailableAndHowToAddRoms() throws Exception {
    AtariRoms roms = pongAndJunkBreakout();
    try (TestServer server = TestServer.start(TestServer.config(), registryWith(roms))) {
      assertStatus(
          Code.NOT_FOUND,
          () -> server.env().make(make("ALE/Tetris-v5", 1)),
          "tetris",
          "no ROM tetris.bin in " + romDir,
          "[pong]",
          "--rom-dir",
          "ALE_ROM_DIR",
          "pip install ale-py==0.12.1");
      MakeRequest missingGame =
          make("ALE/Pong-v5", 1).toBuilder()
              .putKwargs("game", Value.newBuilder().setStringValue("tetris").build())
              .build();
      assertStatus(Code.NOT_FOUND, () -> server.env().make(missingGame), "no ROM", "tetris.bin");
    }
  }

  @Test
  void withoutRomsTheServerStillServesCartPole() throws Exception {
    try (TestServer server =
        TestServer.start(TestServer.config(), registryWith(AtariRoms.none()))) {
      assertStatus(
          Code.NOT_FOUND,
          () -> server.env().make(make("ALE/Breakout-v5", 1)),
          "no ROM folder",
          "pip install ale-py==0.12.1");
      String id = server.env().make(make("CartPole-v1", 1)).getSessionId();
      server.env().reset(reset(id, 0));
      assertEquals(1.0, server.env().step(step(id, 1)).getRewards(0));
    }
  }
}
