package io.gymbridge.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real certificates for TLS tests, made with the JDK's keytool (no other tool needed): a CA, and
 * leaf certificates it signs, written as the PEM files the servers and clients take (certificate
 * chain, PKCS#8 private key, CA roots). Valid for two days.
 */
final class TestCertificates {
  private static final String PASS = "test-pass";

  private final Path dir;

  /** A fresh CA named {@code name} in {@code dir}: {@code name-ca.pem} holds its certificate. */
  TestCertificates(Path dir, String name) throws IOException, InterruptedException {
    this.dir = dir;
    this.caName = name;
    keytool(
        "-genkeypair",
        "-alias",
        "ca",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=" + name + " test CA",
        "-ext",
        "bc:c",
        "-validity",
        "2",
        "-keystore",
        store(name),
        "-storepass",
        PASS,
        "-storetype",
        "PKCS12");
    keytool(
        "-exportcert",
        "-alias",
        "ca",
        "-keystore",
        store(name),
        "-storepass",
        PASS,
        "-rfc",
        "-file",
        caPem().toString());
  }

  private final String caName;

  Path caPem() {
    return dir.resolve(caName + "-ca.pem");
  }

  /** What a certificate may be used for: its extended key usage. */
  enum Usage {
    SERVER("serverAuth"),
    CLIENT("clientAuth"),
    /** No extended key usage at all, which the JDK alone would accept for either. */
    UNSTATED(null);

    private final String eku;

    Usage(String eku) {
      this.eku = eku;
    }
  }

  /**
   * A certificate for {@code cn} signed by this CA, for localhost and 127.0.0.1, with {@code usage}
   * as its extended key usage, as bin/dev-secrets issues them. Returns {certificate chain PEM,
   * private key PEM}.
   */
  Path[] issue(String cn, Usage usage)
      throws IOException, InterruptedException, GeneralSecurityException {
    return issue(cn, usage, "dns:localhost,ip:127.0.0.1");
  }

  /**
   * As {@link #issue(String, Usage)}, for the subject alternative names {@code san} in keytool's
   * syntax ({@code dns:name,ip:address}) instead of localhost and 127.0.0.1.
   */
  Path[] issue(String cn, Usage usage, String san)
      throws IOException, InterruptedException, GeneralSecurityException {
    String store = store(caName + "-" + cn);
    keytool(
        "-genkeypair",
        "-alias",
        "leaf",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=" + cn,
        "-validity",
        "2",
        "-keystore",
        store,
        "-storepass",
        PASS,
        "-storetype",
        "PKCS12");
    Path csr = dir.resolve(caName + "-" + cn + ".csr");
    keytool(
        "-certreq",
        "-alias",
        "leaf",
        "-keystore",
        store,
        "-storepass",
        PASS,
        "-file",
        csr.toString());
    Path cert = dir.resolve(caName + "-" + cn + ".pem");
    List<String> gencert =
        new ArrayList<>(
            List.of(
                "-gencert",
                "-alias",
                "ca",
                "-keystore",
                store(caName),
                "-storepass",
                PASS,
                "-infile",
                csr.toString(),
                "-outfile",
                cert.toString(),
                "-rfc",
                "-validity",
                "2",
                "-ext",
                "san=" + san));
    if (usage.eku != null) {
      gencert.addAll(List.of("-ext", "eku=" + usage.eku));
    }
    keytool(gencert.toArray(String[]::new));
    Path key = dir.resolve(caName + "-" + cn + ".key");
    Files.writeString(key, pkcs8Pem(Path.of(store)), StandardCharsets.US_ASCII);
    return new Path[] {cert, key};
  }

  private String store(String name) {
    return dir.resolve(name + ".p12").toString();
  }

  private static String pkcs8Pem(Path store) throws IOException, GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, PASS.toCharArray());
    }
    Key key = ks.getKey("leaf", PASS.toCharArray());
    String b64 =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(key.getEncoded());
    return "-----BEGIN PRIVATE KEY-----\n" + b64 + "\n-----END PRIVATE KEY-----\n";
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
