package io.gymbridge.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Mutual TLS's check of a client certificate: it must chain to a CA of {@code --tls-client-ca} (the
 * JDK's PKIX check) and name TLS client authentication in its extended key usage. The JDK refuses a
 * certificate whose extended key usage leaves clientAuth out, but accepts one with no extended key
 * usage at all; requiring it keeps the CA's server certificates, and any other certificate not
 * issued for clients, from opening sessions.
 */
final class ClientCertificateTrust extends X509ExtendedTrustManager {
  /** id-kp-clientAuth (RFC 5280, 4.2.1.12). */
  static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

  private final X509ExtendedTrustManager pkix;

  private ClientCertificateTrust(X509ExtendedTrustManager pkix) {
    this.pkix = pkix;
  }

  /** The trust manager for client certificates signed by a CA in the PEM file {@code caFile}. */
  static TrustManager forCaFile(Path caFile) throws IOException {
    try (InputStream in = Files.newInputStream(caFile)) {
      KeyStore roots = KeyStore.getInstance(KeyStore.getDefaultType());
      roots.load(null, null);
      int i = 0;
      for (Certificate ca : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        roots.setCertificateEntry("ca-" + i++, ca);
      }
      if (i == 0) {
        throw new IOException("--tls-client-ca " + caFile + " holds no PEM certificate");
      }
      TrustManagerFactory f = TrustManagerFactory.getInstance("PKIX");
      f.init(roots);
      for (TrustManager tm : f.getTrustManagers()) {
        if (tm instanceof X509ExtendedTrustManager x) {
          return new ClientCertificateTrust(x);
        }
      }
      throw new IllegalStateException("the JDK's PKIX trust manager factory made no X509 one");
    } catch (GeneralSecurityException e) {
      throw new IOException("--tls-client-ca " + caFile + ": " + e.getMessage(), e);
    }
  }

  /** Refuses a leaf certificate whose extended key usage does not name clientAuth. */
  static void requireClientAuth(X509Certificate[] chain) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("no client certificate");
    }
    List<String> usage = chain[0].getExtendedKeyUsage();
    if (usage == null || !usage.contains(CLIENT_AUTH)) {
      throw new CertificateException(
          "the client certificate "
              + chain[0].getSubjectX500Principal()
              + " is not for TLS client authentication (its extended key usage must include"
              + " clientAuth)");
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    pkix.checkClientTrusted(chain, authType, socket);
    requireClientAuth(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    pkix.checkClientTrusted(chain, authType, engine);
    requireClientAuth(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    pkix.checkClientTrusted(chain, authType);
    requireClientAuth(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw new CertificateException("this trust manager checks client certificates only");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException("this trust manager checks client certificates only");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("this trust manager checks client certificates only");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return pkix.getAcceptedIssuers();
  }
}
