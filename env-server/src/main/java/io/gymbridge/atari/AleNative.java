package io.gymbridge.atari;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import java.nio.file.Path;
import org.bytedeco.ale.ALEInterface;
import org.bytedeco.javacpp.Loader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads ALE's native library once and turns its logging down to errors, as ale-py does with {@code
 * setLoggerMode(Error)}: otherwise every ROM load prints about 11 lines to the process's stderr,
 * which is the server's log.
 *
 * <p>The JavaCPP preset of ALE 0.7.3 does not map {@code ale::Logger}, so {@code
 * ale::Logger::setMode(Logger::Error)} is called through JNA by its exported (mangled) symbol in
 * libale.so, the library JavaCPP has already loaded.
 */
final class AleNative {
  private static final Logger log = LoggerFactory.getLogger(AleNative.class);

  /** {@code ale::Logger::setMode(ale::Logger::mode)}. */
  private static final String SET_LOGGER_MODE = "_ZN3ale6Logger7setModeENS0_4modeE";

  /** {@code ale::Logger::Error} in ALE 0.7.3's {@code enum mode { Info, Warning, Error }}. */
  private static final int LOGGER_MODE_ERROR = 2;

  private static volatile boolean loaded;

  private AleNative() {}

  /** Loads the natives and silences ALE's info and warning output; idempotent and thread-safe. */
  static void ensureLoaded() {
    if (loaded) {
      return;
    }
    synchronized (AleNative.class) {
      if (loaded) {
        return;
      }
      String jni = Loader.load(org.bytedeco.ale.global.ale.class);
      Path libAle = Path.of(jni).resolveSibling("libale.so");
      try {
        Function setMode =
            NativeLibrary.getInstance(libAle.toString()).getFunction(SET_LOGGER_MODE);
        setMode.invoke(Void.class, new Object[] {LOGGER_MODE_ERROR});
      } catch (UnsatisfiedLinkError e) {
        log.warn(
            "could not turn ALE's native logging down ({}): ROM loads will print to stderr", e);
      }
      loaded = true;
    }
  }

  /** A new ALEInterface with the natives loaded and quiet. The caller closes it. */
  static ALEInterface newInterface() {
    ensureLoaded();
    return new ALEInterface();
  }
}
