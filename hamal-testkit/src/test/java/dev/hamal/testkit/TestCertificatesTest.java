package dev.hamal.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestCertificatesTest {

  @TempDir Path dir;

  private static X509Certificate readCertificate(Path pem) throws Exception {
    try (var in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  private static PrivateKey readPkcs8Key(Path pem) throws Exception {
    String text = Files.readString(pem);
    assertThat(text).startsWith("-----BEGIN PRIVATE KEY-----");
    String base64 =
        text.replace("-----BEGIN PRIVATE KEY-----", "")
            .replace("-----END PRIVATE KEY-----", "")
            .replaceAll("\\s", "");
    return KeyFactory.getInstance("RSA")
        .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
  }

  @Test
  void shouldWriteAServerCertificateSignedByTheCaForLocalhostAndLoopback() throws Exception {
    TestCertificates certificates =
        TestCertificates.create(dir, TestCertificates.DEFAULT_SERVER_NAMES);

    X509Certificate ca = readCertificate(certificates.caCertPem());
    X509Certificate server = readCertificate(certificates.serverCertPem());

    assertThat(ca).isEqualTo(certificates.caCertificate());
    assertThat(server).isEqualTo(certificates.serverCertificate());
    server.verify(ca.getPublicKey());
    server.checkValidity();
    assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(server.getBasicConstraints()).isEqualTo(-1);
    assertThat(
            server.getSubjectAlternativeNames().stream()
                .map(name -> String.valueOf(name.get(1)))
                .toList())
        .containsExactlyInAnyOrder("localhost", "127.0.0.1");
  }

  @Test
  void shouldWriteAKeyThatMatchesTheServerCertificate() throws Exception {
    TestCertificates certificates = TestCertificates.create(dir, List.of("db.example"));
    PrivateKey key = readPkcs8Key(certificates.serverKeyPem());
    byte[] data = {1, 2, 3};

    Signature signer = Signature.getInstance("SHA256withRSA");
    signer.initSign(key);
    signer.update(data);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance("SHA256withRSA");
    verifier.initVerify(certificates.serverCertificate().getPublicKey());
    verifier.update(data);

    assertThat(verifier.verify(signature)).isTrue();
    assertThat(certificates.serverCertificate().getSubjectX500Principal().getName())
        .isEqualTo("CN=db.example");
  }

  @Test
  void shouldTrustOnlyItsOwnCa() throws Exception {
    TestCertificates mine = TestCertificates.create();
    TestCertificates other = TestCertificates.create();
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(mine.trustStore());
    X509TrustManager trust = (X509TrustManager) factory.getTrustManagers()[0];

    trust.checkServerTrusted(new X509Certificate[] {mine.serverCertificate()}, "RSA");
    assertThatThrownBy(() ->
            trust.checkServerTrusted(new X509Certificate[] {other.serverCertificate()}, "RSA"))
        .isInstanceOf(java.security.cert.CertificateException.class);
    assertThatThrownBy(() -> other.serverCertificate().verify(mine.caCertificate().getPublicKey()))
        .isInstanceOf(SignatureException.class);
    assertThat(Files.exists(mine.serverKeyPem())).isTrue();
  }
}
