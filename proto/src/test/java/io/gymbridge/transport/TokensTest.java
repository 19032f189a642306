package io.gymbridge.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokensTest {
  @TempDir Path dir;

  @Test
  void theFirstSourceSetWinsInTheDocumentedOrder() throws Exception {
    Path file = Files.writeString(dir.resolve("token"), "from-file\n");
    Path envFile = Files.writeString(dir.resolve("env-token"), "  from-env-file  \n");
    Map<String, String> env =
        Map.of(Tokens.ENV_TOKEN, "from-env", Tokens.ENV_TOKEN_FILE, envFile.toString());
    assertEquals("from-flag", Tokens.resolve("from-flag", file, env));
    assertEquals("from-file", Tokens.resolve(null, file, env)); // trailing newline stripped
    assertEquals("from-env", Tokens.resolve(null, null, env));
    assertEquals(
        "from-env-file",
        Tokens.resolve(null, null, Map.of(Tokens.ENV_TOKEN_FILE, envFile.toString())));
    assertNull(Tokens.resolve(null, null, Map.of()));
  }

  @Test
  void unusableTokensAreRefusedWithoutShowingThem() throws Exception {
    Path blank = Files.writeString(dir.resolve("blank"), " \n");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Tokens.resolve(null, blank, Map.of()));
    assertTrue(e.getMessage().contains("empty"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> Tokens.resolve("two words", null, Map.of()));
    assertFalse(e.getMessage().contains("two words"), e.getMessage());
    Path missing = dir.resolve("missing");
    e = assertThrows(IllegalArgumentException.class, () -> Tokens.resolve(null, missing, Map.of()));
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
  }

  @Test
  void aSetButEmptySettingFailsClosed() throws Exception {
    // Set but empty must never read as "no token": the server would start unprotected.
    Path empty = Files.writeString(dir.resolve("empty"), "");
    for (Map<String, String> env :
        List.of(
            Map.of(Tokens.ENV_TOKEN, ""),
            Map.of(Tokens.ENV_TOKEN_FILE, empty.toString()),
            Map.of(Tokens.ENV_TOKEN_FILE, ""))) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Tokens.resolve(null, null, env));
      assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> Tokens.resolve(null, empty, Map.of()));
    assertThrows(IllegalArgumentException.class, () -> Tokens.resolve("", null, Map.of()));
  }

  @Test
  void clientSecurityNeverPrintsItsToken() {
    ClientSecurity s = ClientSecurity.plaintext().withToken("very-secret");
    assertFalse(s.toString().contains("very-secret"), s.toString());
    assertEquals("plaintext with a bearer token", s.toString());
  }
}
