package dev.hamal.binlog.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.EdECPoint;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.EdECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Ed25519Test {

  private static final HexFormat HEX = HexFormat.of();

  /** RFC 8032, section 7.1, TEST 1. */
  @Test
  void shouldProduceTheRfc8032TestVector() {
    byte[] secret =
        HEX.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");

    assertThat(HEX.formatHex(Ed25519.publicKey(secret)))
        .isEqualTo("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    assertThat(HEX.formatHex(Ed25519.sign(secret, new byte[0])))
        .isEqualTo(
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065"
                + "224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
  }

  @Test
  void shouldSignLikeTheJdkForThirtyTwoByteSecrets() throws Exception {
    Random random = new Random(42);
    for (int i = 0; i < 20; i++) {
      byte[] seed = new byte[32];
      random.nextBytes(seed);
      byte[] message = new byte[random.nextInt(100)];
      random.nextBytes(message);

      Signature jdk = Signature.getInstance("Ed25519");
      jdk.initSign(
          KeyFactory.getInstance("Ed25519")
              .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed)));
      jdk.update(message);

      assertThat(Ed25519.sign(seed, message)).isEqualTo(jdk.sign());
    }
  }

  /** MariaDB's client_ed25519 hashes the password itself, of any length. */
  @Test
  void shouldMakeSignaturesTheJdkVerifiesForPasswordsOfAnyLength() throws Exception {
    Random random = new Random(7);
    for (String password : new String[] {"", "a", "secret", "pässwörd-with-more-than-32-bytes!!"}) {
      byte[] secret = password.getBytes(StandardCharsets.UTF_8);
      byte[] nonce = new byte[32];
      random.nextBytes(nonce);

      Signature verifier = Signature.getInstance("Ed25519");
      verifier.initVerify(jdkPublicKey(Ed25519.publicKey(secret)));
      verifier.update(nonce);

      assertThat(verifier.verify(Ed25519.sign(secret, nonce))).as(password).isTrue();
    }
  }

  private static PublicKey jdkPublicKey(byte[] encoded) throws Exception {
    boolean xOdd = (encoded[31] & 0x80) != 0;
    byte[] bigEndian = new byte[32];
    for (int i = 0; i < 32; i++) {
      bigEndian[i] = encoded[31 - i];
    }
    bigEndian[0] &= 0x7F;
    EdECPoint point = new EdECPoint(xOdd, new BigInteger(1, bigEndian));
    return KeyFactory.getInstance("Ed25519")
        .generatePublic(new EdECPublicKeySpec(NamedParameterSpec.ED25519, point));
  }
}
