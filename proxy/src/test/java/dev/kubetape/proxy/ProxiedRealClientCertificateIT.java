package dev.kubetape.proxy;

import dev.kubetape.testkit.KubectlSuite;
import dev.kubetape.testkit.UpstreamExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole suite through the proxy against the real control plane, with the proxy proving
 * who it is upstream by a client certificate (CN=kubetape-client, O=system:masters) instead of
 * a token. The certificate is signed with the testbed's CA, found through the folder
 * {@code testbed/up} names in its log.
 */
@DisplayName("kubectl and helm through the proxy with client-certificate upstream credentials, against the real control plane")
class ProxiedRealClientCertificateIT extends KubectlSuite {
  @RegisterExtension
  static final UpstreamExtension REAL = UpstreamExtension.real();
  @RegisterExtension
  static final ProxyExtension PROXY = new ProxyExtension(REAL, ProxiedRealClientCertificateIT::clientCertificateKubeconfig,
      config -> config);

  @Override
  protected UpstreamExtension upstream() {
    return REAL;
  }

  @Override
  protected Path kubeconfig() {
    return PROXY.kubeconfig();
  }

  /** The testbed's kubeconfig with its token replaced by a client certificate from the testbed's CA. */
  static Path clientCertificateKubeconfig(UpstreamExtension real) {
    try {
      Matcher logs = Pattern.compile("component logs in (\\S+)")
          .matcher(Files.readString(real.folder().resolve("testbed-up.log")));
      if (!logs.find()) {
        throw new IllegalStateException("testbed/up did not say where its files are");
      }
      Path pki = Path.of(logs.group(1)).resolveSibling("pki");
      X509Certificate ca = Pem.certificates(Files.readString(pki.resolve("ca.crt"))).getFirst();
      PrivateKey caKey = Pem.privateKey(Files.readString(pki.resolve("ca.key")));
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(256);
      KeyPair keys = generator.generateKeyPair();
      Instant now = Instant.now();
      JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca, new BigInteger(64, new SecureRandom()),
          Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))),
          new X500Name("CN=kubetape-client,O=system:masters"), keys.getPublic());
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
      X509Certificate client = new JcaX509CertificateConverter().getCertificate(
          builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKey)));
      String config = Files.readString(real.upstream().kubeconfig());
      String withCertificate = config.replaceFirst("(?m)^(\\s*)token:\\s*\\S+\\s*$",
          "$1client-certificate-data: " + base64(Pem.write(client)) + "\n$1client-key-data: "
              + base64(Pem.write(keys.getPrivate())));
      if (withCertificate.equals(config)) {
        throw new IllegalStateException("the testbed's kubeconfig has no token to replace");
      }
      Path file = real.folder().resolve("client-certificate.kubeconfig");
      Files.writeString(file, withCertificate);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("could not make a client certificate: " + e.getMessage(), e);
    }
  }

  private static String base64(String pem) {
    return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
  }
}
