package dev.hamal.binlog.wire;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A throw-away CA and a server certificate it signed, for TLS tests against the fake server. */
final class TestTls {

  private final KeyPair caKeys;
  private final X509Certificate ca;

  private TestTls(KeyPair caKeys, X509Certificate ca) {
    this.caKeys = caKeys;
    this.ca = ca;
  }

  static TestTls newCa(String name) throws Exception {
    KeyPair keys = rsa();
    X500Name subject = new X500Name("CN=" + name);
    JcaX509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            subject,
            BigInteger.valueOf(System.nanoTime()),
            Date.from(Instant.now().minus(1, ChronoUnit.DAYS)),
            Date.from(Instant.now().plus(30, ChronoUnit.DAYS)),
            subject,
            keys.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    X509Certificate certificate =
        new JcaX509CertificateConverter()
            .getCertificate(
                builder.build(
                    new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
    return new TestTls(keys, certificate);
  }

  /** Writes the CA certificate as PEM, as a client configures it in trustedCaPem. */
  Path writeCaPem(Path directory) throws IOException, GeneralSecurityException {
    Path file = directory.resolve("ca-" + System.nanoTime() + ".pem");
    Files.writeString(file, pem("CERTIFICATE", ca.getEncoded()));
    return file;
  }

  /** A server-side context whose certificate this CA signed, naming the given host names. */
  SSLContext serverContext(String dnsName, String ipAddress) throws Exception {
    KeyPair keys = rsa();
    X509Certificate certificate = serverCertificate(keys, dnsName, ipAddress);
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    char[] password = "test".toCharArray();
    store.setKeyEntry(
        "server", keys.getPrivate(), password, new X509Certificate[] {certificate, ca});
    KeyManagerFactory factory =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(store, password);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(factory.getKeyManagers(), null, null);
    return context;
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private X509Certificate serverCertificate(KeyPair keys, String dnsName, String ipAddress)
      throws Exception {
    JcaX509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            ca,
            BigInteger.valueOf(System.nanoTime()),
            Date.from(Instant.now().minus(1, ChronoUnit.DAYS)),
            Date.from(Instant.now().plus(30, ChronoUnit.DAYS)),
            new X500Name("CN=" + dnsName),
            keys.getPublic());
    builder.addExtension(
        Extension.subjectAlternativeName,
        false,
        new GeneralNames(
            new GeneralName[] {
              new GeneralName(GeneralName.dNSName, dnsName),
              new GeneralName(GeneralName.iPAddress, ipAddress)
            }));
    return new JcaX509CertificateConverter()
        .getCertificate(
            builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(caKeys.getPrivate())));
  }

  private static KeyPair rsa() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }
}
