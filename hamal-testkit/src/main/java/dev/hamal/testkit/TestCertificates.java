package dev.hamal.testkit;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority and a server certificate it signed, as PEM files, for TLS
 * tests: start a server with {@code tls(serverCertPem(), serverKeyPem())} and let the client trust
 * {@link #caCertPem()} (or {@link #trustStore()}) for {@code VERIFY_CA}; the certificate names
 * {@code localhost} and {@code 127.0.0.1}, so {@code VERIFY_IDENTITY} passes against the embedded
 * servers. A second instance is a different CA, which a client must reject.
 *
 * <p>RSA 2048 keys, SHA-256 signatures, valid from a day ago for a year. Keys are unencrypted
 * PKCS#8. Files are written to a new temporary directory (deleted when the JVM exits) or to the
 * given one. Immutable after creation.
 */
public final class TestCertificates {

  /** Names the default server certificate is valid for. */
  public static final List<String> DEFAULT_SERVER_NAMES = List.of("localhost", "127.0.0.1");

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern IP_V4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private final Path directory;
  private final X509Certificate caCertificate;
  private final X509Certificate serverCertificate;

  private TestCertificates(
      Path directory, X509Certificate caCertificate, X509Certificate serverCertificate) {
    this.directory = directory;
    this.caCertificate = caCertificate;
    this.serverCertificate = serverCertificate;
  }

  /** A new CA and a server certificate for {@code localhost} and {@code 127.0.0.1}. */
  public static TestCertificates create() {
    return create(DEFAULT_SERVER_NAMES);
  }

  /**
   * A new CA and a server certificate for the given names (host names, or IP addresses which become
   * IP subject alternative names); the first one is also the subject's common name.
   */
  public static TestCertificates create(List<String> serverNames) {
    Path directory;
    try {
      directory = Files.createTempDirectory("hamal-certs-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory", e);
    }
    directory.toFile().deleteOnExit();
    TestCertificates certificates = create(directory, serverNames);
    for (Path file : List.of(certificates.caCertPem(), certificates.serverCertPem())) {
      file.toFile().deleteOnExit();
    }
    certificates.serverKeyPem().toFile().deleteOnExit();
    return certificates;
  }

  /** Like {@link #create(List)}, writing the PEM files into {@code directory} (kept). */
  public static TestCertificates create(Path directory, List<String> serverNames) {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(serverNames, "serverNames");
    if (serverNames.isEmpty()) {
      throw new IllegalArgumentException("serverNames must name at least one host");
    }
    try {
      Files.createDirectories(directory);
      Instant now = Instant.now();
      Date notBefore = Date.from(now.minus(Duration.ofDays(1)));
      Date notAfter = Date.from(now.plus(Duration.ofDays(365)));
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();

      KeyPair caKeys = rsaKeyPair();
      X500Name caName = new X500Name("CN=Hamal Test CA " + serial().toString(16));
      X509v3CertificateBuilder ca =
          new JcaX509v3CertificateBuilder(
              caName, serial(), notBefore, notAfter, caName, caKeys.getPublic());
      ca.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      ca.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      ca.addExtension(
          Extension.subjectKeyIdentifier,
          false,
          extensions.createSubjectKeyIdentifier(caKeys.getPublic()));
      X509Certificate caCertificate = sign(ca, caKeys.getPrivate());

      KeyPair serverKeys = rsaKeyPair();
      X509v3CertificateBuilder server =
          new JcaX509v3CertificateBuilder(
              caCertificate,
              serial(),
              notBefore,
              notAfter,
              new X500Name("CN=" + serverNames.get(0)),
              serverKeys.getPublic());
      server.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      server.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      server.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      server.addExtension(Extension.subjectAlternativeName, false, alternativeNames(serverNames));
      server.addExtension(
          Extension.authorityKeyIdentifier,
          false,
          extensions.createAuthorityKeyIdentifier(caCertificate));
      server.addExtension(
          Extension.subjectKeyIdentifier,
          false,
          extensions.createSubjectKeyIdentifier(serverKeys.getPublic()));
      X509Certificate serverCertificate = sign(server, caKeys.getPrivate());

      TestCertificates result = new TestCertificates(directory, caCertificate, serverCertificate);
      writePem(result.caCertPem(), caCertificate);
      writePem(result.serverCertPem(), serverCertificate);
      writePem(result.serverKeyPem(), new JcaPKCS8Generator(serverKeys.getPrivate(), null));
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write certificates to " + directory, e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot create test certificates", e);
    }
  }

  private static KeyPair rsaKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048, RANDOM);
    return generator.generateKeyPair();
  }

  private static BigInteger serial() {
    return new BigInteger(63, RANDOM).add(BigInteger.ONE);
  }

  private static GeneralNames alternativeNames(List<String> names) throws UnknownHostException {
    List<GeneralName> result = new ArrayList<>();
    for (String name : names) {
      if (IP_V4.matcher(name).matches() || name.contains(":")) {
        // a literal address: InetAddress parses it without a lookup
        result.add(
            new GeneralName(GeneralName.iPAddress, InetAddress.getByName(name).getHostAddress()));
      } else {
        result.add(new GeneralName(GeneralName.dNSName, name));
      }
    }
    return new GeneralNames(result.toArray(GeneralName[]::new));
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
      throws OperatorCreationException, GeneralSecurityException, CertIOException {
    ContentSigner signer = new JcaContentSignerBuilder("SHA256withRSA").build(key);
    return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
  }

  private static void writePem(Path file, Object object) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(object);
    }
    Files.writeString(file, text.toString(), StandardCharsets.US_ASCII);
  }

  /** Where the PEM files are. */
  public Path directory() {
    return directory;
  }

  /** The CA certificate (PEM): what a verifying client trusts. */
  public Path caCertPem() {
    return directory.resolve("ca-cert.pem");
  }

  /** The server certificate (PEM), signed by the CA. */
  public Path serverCertPem() {
    return directory.resolve("server-cert.pem");
  }

  /** The server's private key (unencrypted PKCS#8 PEM). */
  public Path serverKeyPem() {
    return directory.resolve("server-key.pem");
  }

  /** The CA certificate. */
  public X509Certificate caCertificate() {
    return caCertificate;
  }

  /** The server certificate. */
  public X509Certificate serverCertificate() {
    return serverCertificate;
  }

  /** A new in-memory PKCS#12 key store (no password) holding only the CA certificate. */
  public KeyStore trustStore() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setCertificateEntry("hamal-test-ca", caCertificate);
      return store;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build a trust store", e);
    }
  }
}
