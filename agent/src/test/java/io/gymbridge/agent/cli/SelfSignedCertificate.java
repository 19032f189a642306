package io.gymbridge.agent.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for localhost and 127.0.0.1, made with the JDK's keytool, as the PEM
 * files a TLS env-server takes: enough for a server that speaks TLS, when the test is about a
 * client that does not (the env-server's TestCertificates makes whole CA chains, for TLS itself).
 *
 * @param cert the certificate (also the CA a client would trust)
 * @param key its PKCS#8 private key
 */
record SelfSignedCertificate(Path cert, Path key) {
  private static final String PASS = "test-pass";

  static SelfSignedCertificate create(Path dir) throws IOException, InterruptedException {
    Path store = dir.resolve("server.p12");
    keytool(
        "-genkeypair",
        "-alias",
        "server",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=localhost",
        "-ext",
        "san=dns:localhost,ip:127.0.0.1",
        "-validity",
        "2",
        "-keystore",
        store.toString(),
        "-storepass",
        PASS,
        "-storetype",
        "PKCS12");
    Path cert = dir.resolve("server.pem");
    keytool(
        "-exportcert",
        "-alias",
        "server",
        "-keystore",
        store.toString(),
        "-storepass",
        PASS,
        "-rfc",
        "-file",
        cert.toString());
    Path key = dir.resolve("server.key");
    try (InputStream in = Files.newInputStream(store)) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, PASS.toCharArray());
      String b64 =
          Base64.getMimeEncoder(64, new byte[] {'\n'})
              .encodeToString(ks.getKey("server", PASS.toCharArray()).getEncoded());
      Files.writeString(
          key, "-----BEGIN PRIVATE KEY-----\n" + b64 + "\n-----END PRIVATE KEY-----\n");
    } catch (GeneralSecurityException e) {
      throw new IOException(e);
    }
    return new SelfSignedCertificate(cert, key);
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("keytool " + String.join(" ", args) + " failed: " + out);
    }
  }
}
