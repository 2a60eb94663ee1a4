package dev.kubetape.sandbox;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The sandbox's own certificate authority and the serving certificate it signs, made fresh at
 * every start like a kind or minikube cluster's. The CA goes into the emitted kubeconfig, so
 * kubectl verifies the server as it would a real one.
 */
final class Certificates {
  /** PEM texts: the CA certificate (for clients), and the server's certificate and key. */
  record Pem(String caCertificate, String serverCertificate, String serverKey) {}

  private Certificates() {}

  static Pem generate(String host) {
    try {
      SecureRandom random = new SecureRandom();
      KeyPair caKeys = keyPair(random);
      Instant now = Instant.now();
      X500Name caName = new X500Name("CN=kubetape-sandbox-ca");
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      JcaX509v3CertificateBuilder ca = new JcaX509v3CertificateBuilder(caName,
          new BigInteger(64, random), Date.from(now.minus(Duration.ofHours(1))),
          Date.from(now.plus(Duration.ofDays(3650))), caName, caKeys.getPublic());
      ca.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      ca.addExtension(Extension.keyUsage, true,
          new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
      ca.addExtension(Extension.subjectKeyIdentifier, false,
          extensions.createSubjectKeyIdentifier(caKeys.getPublic()));
      X509Certificate caCertificate = sign(ca.build(signer(caKeys)));

      KeyPair serverKeys = keyPair(random);
      JcaX509v3CertificateBuilder server = new JcaX509v3CertificateBuilder(caCertificate,
          new BigInteger(64, random), Date.from(now.minus(Duration.ofHours(1))),
          Date.from(now.plus(Duration.ofDays(365))), new X500Name("CN=kube-apiserver"),
          serverKeys.getPublic());
      server.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      server.addExtension(Extension.keyUsage, true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      server.addExtension(Extension.extendedKeyUsage, false,
          new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      server.addExtension(Extension.authorityKeyIdentifier, false,
          extensions.createAuthorityKeyIdentifier(caCertificate));
      server.addExtension(Extension.subjectAlternativeName, false,
          new GeneralNames(subjectAlternativeNames(host).toArray(GeneralName[]::new)));
      X509Certificate serverCertificate = sign(server.build(signer(caKeys)));

      return new Pem(pem(caCertificate), pem(serverCertificate), pem(serverKeys.getPrivate()));
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("could not create the sandbox's certificates", e);
    }
  }

  /** The names a client may dial: loopback, the in-cluster service names, and the listen host. */
  private static List<GeneralName> subjectAlternativeNames(String host) {
    Set<String> dns = new LinkedHashSet<>(List.of("localhost", "kubernetes", "kubernetes.default",
        "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"));
    Set<String> ips = new LinkedHashSet<>(List.of("127.0.0.1", "::1", "10.96.0.1"));
    if (host != null && !host.isBlank() && !host.equals("0.0.0.0") && !host.equals("::")) {
      if (isIpAddress(host)) {
        ips.add(host);
      } else {
        dns.add(host);
      }
    }
    List<GeneralName> names = new ArrayList<>();
    dns.forEach(name -> names.add(new GeneralName(GeneralName.dNSName, name)));
    ips.forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
    return names;
  }

  private static boolean isIpAddress(String host) {
    if (!host.matches("[0-9.]+") && !host.contains(":")) {
      return false;
    }
    try {
      InetAddress.getByName(host);
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static KeyPair keyPair(SecureRandom random) throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(256, random);
    return generator.generateKeyPair();
  }

  private static org.bouncycastle.operator.ContentSigner signer(KeyPair keys)
      throws OperatorCreationException {
    return new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate());
  }

  private static X509Certificate sign(X509CertificateHolder holder) throws GeneralSecurityException {
    return new JcaX509CertificateConverter().getCertificate(holder);
  }

  private static String pem(Object object) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      if (object instanceof java.security.PrivateKey key) {
        // PKCS#8 ("BEGIN PRIVATE KEY"), the form every TLS stack reads.
        writer.writeObject(new org.bouncycastle.util.io.pem.PemObject("PRIVATE KEY",
            key.getEncoded()));
      } else {
        writer.writeObject(object);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }
}
