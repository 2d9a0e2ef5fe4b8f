package dev.hamal.binlog.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import org.junit.jupiter.api.Test;

class ScramblesTest {

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  @Test
  void shouldReadSubjectPublicKeyInfoPemAsMySqlWritesIt() throws Exception {
    KeyPair pair = rsa();

    RSAPublicKey key =
        (RSAPublicKey)
            Scrambles.parseRsaPublicKeyPem(pem("PUBLIC KEY", pair.getPublic().getEncoded()));

    assertThat(key).isEqualTo(pair.getPublic());
  }

  @Test
  void shouldReadPkcs1RsaPublicKeyPem() throws Exception {
    RSAPublicKey original = (RSAPublicKey) rsa().getPublic();
    byte[] modulus = original.getModulus().toByteArray();
    byte[] exponent = original.getPublicExponent().toByteArray();
    // RSAPublicKey ::= SEQUENCE { INTEGER modulus, INTEGER exponent }, DER, by hand
    byte[] modulusField = derField(0x02, modulus);
    byte[] exponentField = derField(0x02, exponent);
    byte[] body = Arrays.copyOf(modulusField, modulusField.length + exponentField.length);
    System.arraycopy(exponentField, 0, body, modulusField.length, exponentField.length);

    RSAPublicKey parsed =
        (RSAPublicKey) Scrambles.parseRsaPublicKeyPem(pem("RSA PUBLIC KEY", derField(0x30, body)));

    assertThat(parsed.getModulus()).isEqualTo(original.getModulus());
    assertThat(parsed.getPublicExponent()).isEqualTo(BigInteger.valueOf(65537));
  }

  @Test
  void shouldRejectTextThatIsNotAKey() {
    assertThatThrownBy(() -> Scrambles.parseRsaPublicKeyPem("hello"))
        .isInstanceOf(GeneralSecurityException.class);
  }

  @Test
  void shouldXorPasswordAndTerminatorWithRepeatedNonce() {
    byte[] nonce = HexFormat.of().parseHex("0102");

    assertThat(Scrambles.xorWithNonce(new byte[] {0x10, 0x20, 0x30}, nonce))
        .isEqualTo(new byte[] {0x11, 0x22, 0x31, 0x02});
  }

  @Test
  void shouldEncryptWithOaepSoThatTheServerKeyDecrypts() throws Exception {
    KeyPair pair = rsa();
    byte[] plain = Scrambles.xorWithNonce("pw".getBytes(), new byte[20]);

    byte[] encrypted = Scrambles.rsaEncrypt(plain, pair.getPublic(), true);

    Cipher decrypt = Cipher.getInstance("RSA/ECB/OAEPWithSHA-1AndMGF1Padding");
    decrypt.init(Cipher.DECRYPT_MODE, pair.getPrivate());
    assertThat(decrypt.doFinal(encrypted)).isEqualTo(plain);
  }

  private static byte[] derField(int tag, byte[] content) {
    byte[] length =
        content.length < 128
            ? new byte[] {(byte) content.length}
            : new byte[] {(byte) 0x82, (byte) (content.length >> 8), (byte) content.length};
    byte[] field = new byte[1 + length.length + content.length];
    field[0] = (byte) tag;
    System.arraycopy(length, 0, field, 1, length.length);
    System.arraycopy(content, 0, field, 1 + length.length, content.length);
    return field;
  }

  private static KeyPair rsa() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }
}
