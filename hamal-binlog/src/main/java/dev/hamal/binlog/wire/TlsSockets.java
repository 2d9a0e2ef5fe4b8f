package dev.hamal.binlog.wire;

import dev.hamal.binlog.BinlogConfigurationException;
import dev.hamal.binlog.BinlogSource;
import dev.hamal.binlog.SslMode;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Turns the plain socket into a TLS socket after the SSLRequest packet, verifying the server as the
 * {@link SslMode} says: {@code PREFERRED} and {@code REQUIRED} accept any certificate (encryption
 * without authentication, as the MySQL client does), {@code VERIFY_CA} checks the chain against the
 * CAs of {@link BinlogSource#trustedCaPem()}, {@code VERIFY_IDENTITY} also checks that the
 * certificate names the host connected to (HTTPS rules).
 */
final class TlsSockets {

  private TlsSockets() {}

  /**
   * Performs the TLS handshake over {@code plain}; closing the returned socket closes {@code
   * plain}.
   *
   * @throws BinlogConfigurationException when the CA file cannot be read or holds no certificate
   * @throws IOException when the handshake fails (an {@code SSLHandshakeException} whose cause is a
   *     {@code CertificateException} when the server's certificate was not accepted)
   */
  static SSLSocket handshake(Socket plain, BinlogSource source) throws IOException {
    SSLContext context = context(source);
    SSLSocket socket =
        (SSLSocket)
            context.getSocketFactory().createSocket(plain, source.host(), source.port(), true);
    socket.setUseClientMode(true);
    if (source.sslMode() == SslMode.VERIFY_IDENTITY) {
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      socket.setSSLParameters(parameters);
    }
    socket.startHandshake();
    return socket;
  }

  private static SSLContext context(BinlogSource source) {
    try {
      TrustManager[] trust =
          switch (source.sslMode()) {
            case VERIFY_CA, VERIFY_IDENTITY -> trustedCas(source);
            default -> new TrustManager[] {new TrustingEverything()};
          };
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new BinlogConfigurationException(
          source.name(), "cannot set up TLS for ssl mode " + source.sslMode() + ": " + e, e);
    }
  }

  private static TrustManager[] trustedCas(BinlogSource source) throws GeneralSecurityException {
    Path file =
        source
            .trustedCaPem()
            .orElseThrow(() ->
                new BinlogConfigurationException(
                    source.name(), "ssl mode " + source.sslMode() + " needs trustedCaPem"));
    Collection<? extends Certificate> certificates;
    try (InputStream in = Files.newInputStream(file)) {
      certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (IOException e) {
      throw new BinlogConfigurationException(
          source.name(), "cannot read trustedCaPem " + file + ": " + e, e);
    }
    if (certificates.isEmpty()) {
      throw new BinlogConfigurationException(
          source.name(), "trustedCaPem " + file + " holds no certificate");
    }
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    try {
      store.load(null, null);
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
    int i = 0;
    for (Certificate certificate : certificates) {
      store.setCertificateEntry("ca-" + i++, certificate);
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    return factory.getTrustManagers();
  }

  /** Accepts every server certificate: TLS for confidentiality only (PREFERRED, REQUIRED). */
  private static final class TrustingEverything extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
