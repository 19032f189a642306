package io.gymbridge.codec;

/**
 * What the server may repeat of text a client sent (a session_id, an env_id, a kwarg name): at most
 * {@link #MAX_QUOTED_CHARS} characters of it, control characters replaced, and how long it really
 * was. A client can send 64 MiB in one field; echoing it whole into an error or a log line cost
 * that much again per call and let one client fill the log. Servers quote with it wherever an error
 * or a log line names what the client sent.
 */
public final class ClientText {
  /** Enough to recognise any id or name the server hands out or registers. */
  public static final int MAX_QUOTED_CHARS = 64;

  /**
   * The longest status description the server sends; longer ones are cut. Room for the server's own
   * longest message (an unknown env_id lists every id: 6,663 characters with all 104 Atari games),
   * under the 8 KiB of metadata a gRPC Java client accepts by default: a description past that
   * fails the client's call with a header-size error instead of telling it anything.
   */
  public static final int MAX_DESCRIPTION_CHARS = 7168;

  private ClientText() {}

  /**
   * {@code 'text'}, or {@code 'first 64 characters...' (60000000 characters)} when longer; control
   * characters (a newline would start a forged log line) become '?'.
   */
  public static String quote(String text) {
    if (text == null) {
      return "null";
    }
    boolean cut = text.length() > MAX_QUOTED_CHARS;
    String shown = printable(cut ? text.substring(0, MAX_QUOTED_CHARS) : text);
    return cut ? "'" + shown + "...' (" + text.length() + " characters)" : "'" + shown + "'";
  }

  /** A status description of at most {@link #MAX_DESCRIPTION_CHARS}, saying when it was cut. */
  public static String capDescription(String description) {
    if (description == null || description.length() <= MAX_DESCRIPTION_CHARS) {
      return description;
    }
    return description.substring(0, MAX_DESCRIPTION_CHARS)
        + "... ("
        + (description.length() - MAX_DESCRIPTION_CHARS)
        + " more characters cut)";
  }

  private static String printable(String s) {
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isISOControl(c)) {
        if (b == null) {
          b = new StringBuilder(s);
        }
        b.setCharAt(i, '?');
      }
    }
    return b == null ? s : b.toString();
  }
}
