package io.gymbridge.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** What a server repeats of a client's text: short, printable, and saying how long it was. */
class ClientTextTest {
  @Test
  void shortTextIsQuotedWhole() {
    assertEquals("'s-0123abcd'", ClientText.quote("s-0123abcd"));
    assertEquals("'" + "a".repeat(64) + "'", ClientText.quote("a".repeat(64)));
  }

  @Test
  void longTextIsCutToItsPrefixAndItsLength() {
    String quoted = ClientText.quote("b".repeat(60_000_000));
    assertEquals("'" + "b".repeat(64) + "...' (60000000 characters)", quoted);
  }

  @Test
  void controlCharactersCannotForgeALogLine() {
    assertEquals("'a?b?c'", ClientText.quote("a\nb\rc"));
  }

  @Test
  void descriptionsAreCappedSayingHowMuchWasCut() {
    String ok = "x".repeat(ClientText.MAX_DESCRIPTION_CHARS);
    assertSame(ok, ClientText.capDescription(ok));
    String capped = ClientText.capDescription("y".repeat(60_000_000));
    String tail = "... (" + (60_000_000 - 7168) + " more characters cut)";
    assertEquals("y".repeat(7168) + tail, capped);
  }
}
