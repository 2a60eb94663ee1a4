package dev.kubetape.proxy;

import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLException;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * kubetape's own certificate authority, the serving certificate it signs, and the bearer token
 * every client must present: made once and kept in the state folder, so that the kubeconfig
 * written for kubectl stays valid across restarts.
 *
 * <pre>
 * STATE/ca.crt, ca.key          the CA (ECDSA P-256, ten years); its certificate goes into the kubeconfig
 * STATE/server.crt, server.key  the serving certificate: localhost, 127.0.0.1, ::1 and the listen
 *                               host; re-issued by the same CA when it nears expiry or lacks a name
 * STATE/token                   the bearer token, 64 hex characters
 * STATE/.lock                   held while the files are read or made, for proxies starting together
 * </pre>
 *
 * Keys and the token are readable by their owner only.
 */
final class LocalAuthority {
  private static final Duration CA_LIFETIME = Duration.ofDays(3650);
  private static final Duration SERVER_LIFETIME = Duration.ofDays(825);
  private static final Duration RENEW_BEFORE = Duration.ofDays(30);

  private final X509Certificate ca;
  private final X509Certificate server;
  private final PrivateKey serverKey;
  private final byte[] token;

  private LocalAuthority(X509Certificate ca, X509Certificate server, PrivateKey serverKey, byte[] token) {
    this.ca = ca;
    this.server = server;
    this.serverKey = serverKey;
    this.token = token;
  }

  /** Reads the state folder, making what is missing; {@code listenHost} must be in the certificate. */
  static LocalAuthority open(Path folder, String listenHost) throws IOException {
    Files.createDirectories(folder);
    ownerOnly(folder, "rwx------");
    try (FileChannel lockFile = FileChannel.open(folder.resolve(".lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE)) {
      // Released when the channel closes, at the end of this block.
      lockFile.lock();
      SecureRandom random = new SecureRandom();
      Path caCrt = folder.resolve("ca.crt");
      Path caKey = folder.resolve("ca.key");
      X509Certificate ca;
      PrivateKey caPrivate;
      if (Files.exists(caCrt) && Files.exists(caKey)) {
        ca = Pem.certificates(Files.readString(caCrt)).getFirst();
        caPrivate = Pem.privateKey(Files.readString(caKey));
      } else {
        KeyPair keys = keyPair(random);
        ca = issueCa(keys, random);
        caPrivate = keys.getPrivate();
        write(caKey, Pem.write(caPrivate));
        write(caCrt, Pem.write(ca));
        Files.deleteIfExists(folder.resolve("server.crt"));
      }

      Set<String> names = names(listenHost);
      Path serverCrt = folder.resolve("server.crt");
      Path serverKeyFile = folder.resolve("server.key");
      X509Certificate server = null;
      PrivateKey serverKey = null;
      if (Files.exists(serverCrt) && Files.exists(serverKeyFile)) {
        server = Pem.certificates(Files.readString(serverCrt)).getFirst();
        serverKey = Pem.privateKey(Files.readString(serverKeyFile));
        Set<String> present = subjectAlternativeNames(server);
        boolean fresh = server.getNotAfter().toInstant().isAfter(Instant.now().plus(RENEW_BEFORE));
        boolean signedByCa = server.getIssuerX500Principal().equals(ca.getSubjectX500Principal());
        if (fresh && signedByCa && present.containsAll(names)) {
          names = null;
        } else {
          names.addAll(present);
        }
      }
      if (names != null) {
        KeyPair keys = keyPair(random);
        server = issueServer(ca, caPrivate, keys, names, random);
        serverKey = keys.getPrivate();
        write(serverKeyFile, Pem.write(serverKey));
        write(serverCrt, Pem.write(server));
      }

      Path tokenFile = folder.resolve("token");
      String token;
      if (Files.exists(tokenFile) && !Files.readString(tokenFile).isBlank()) {
        token = Files.readString(tokenFile).strip();
      } else {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        token = HexFormat.of().formatHex(bytes);
        write(tokenFile, token + "\n");
      }
      return new LocalAuthority(ca, server, serverKey, token.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException | OperatorCreationException | IllegalArgumentException e) {
      throw new IOException("the certificates in " + folder + " cannot be used (" + e.getMessage()
          + "); move the folder away and start again to make new ones, then use the new kubeconfig", e);
    }
  }

  /** The CA certificate kubectl trusts, as PEM. */
  String caPem() {
    return Pem.write(ca);
  }

  String token() {
    return new String(token, StandardCharsets.US_ASCII);
  }

  /** Whether an Authorization header value carries the token, compared in constant time. */
  boolean authorizes(String authorization) {
    if (authorization == null || authorization.length() < 7
        || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] presented = authorization.substring(7).strip().getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(presented, token);
  }

  /** TLS for clients: HTTP/2 and HTTP/1.1 offered by ALPN, as the API server offers them. */
  SslContext serverContext() throws SSLException {
    return SslContextBuilder.forServer(serverKey, server, ca)
        .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
        .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
            ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))
        .build();
  }

  /** Loopback always; the listen host too, or every local name and address when it is a wildcard. */
  private static Set<String> names(String listenHost) {
    Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "0:0:0:0:0:0:0:1"));
    if (listenHost == null || listenHost.isBlank()) {
      return names;
    }
    try {
      InetAddress address = literal(listenHost) ? InetAddress.getByName(listenHost) : null;
      if (address != null && address.isAnyLocalAddress()) {
        names.add(InetAddress.getLocalHost().getHostName());
        for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
          for (InetAddress local : Collections.list(network.getInetAddresses())) {
            if (!local.isLinkLocalAddress()) {
              names.add(local.getHostAddress().replaceAll("%.*$", ""));
            }
          }
        }
      } else if (address != null) {
        names.add(address.getHostAddress());
      } else {
        names.add(listenHost);
      }
    } catch (UnknownHostException | SocketException e) {
      names.add(listenHost);
    }
    return names;
  }

  private static boolean literal(String host) {
    return host.matches("[0-9.]+") || host.contains(":");
  }

  private static Set<String> subjectAlternativeNames(X509Certificate certificate) {
    Set<String> names = new LinkedHashSet<>();
    try {
      Collection<List<?>> entries = certificate.getSubjectAlternativeNames();
      if (entries != null) {
        for (List<?> entry : entries) {
          names.add(String.valueOf(entry.get(1)));
        }
      }
    } catch (CertificateParsingException e) {
      return names;
    }
    return names;
  }

  private static X509Certificate issueCa(KeyPair keys, SecureRandom random)
      throws GeneralSecurityException, OperatorCreationException, CertIOException {
    Instant now = Instant.now();
    X500Name name = new X500Name("CN=kubetape-proxy-ca");
    JcaX509v3CertificateBuilder ca = new JcaX509v3CertificateBuilder(name, new BigInteger(64, random),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(CA_LIFETIME)), name, keys.getPublic());
    ca.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    ca.addExtension(Extension.keyUsage, true,
        new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
    ca.addExtension(Extension.subjectKeyIdentifier, false,
        new JcaX509ExtensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
    return new JcaX509CertificateConverter().getCertificate(
        ca.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
  }

  private static X509Certificate issueServer(X509Certificate ca, PrivateKey caKey, KeyPair keys,
      Set<String> names, SecureRandom random)
      throws GeneralSecurityException, OperatorCreationException, CertIOException {
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder server = new JcaX509v3CertificateBuilder(ca, new BigInteger(64, random),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(SERVER_LIFETIME)),
        new X500Name("CN=kubetape-proxy"), keys.getPublic());
    server.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    server.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
    server.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
    server.addExtension(Extension.authorityKeyIdentifier, false,
        new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca));
    List<GeneralName> alternativeNames = new ArrayList<>();
    for (String name : names) {
      alternativeNames.add(literal(name) ? new GeneralName(GeneralName.iPAddress, name)
          : new GeneralName(GeneralName.dNSName, name));
    }
    server.addExtension(Extension.subjectAlternativeName, false,
        new GeneralNames(alternativeNames.toArray(GeneralName[]::new)));
    return new JcaX509CertificateConverter().getCertificate(
        server.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKey)));
  }

  private static KeyPair keyPair(SecureRandom random) throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(256, random);
    return generator.generateKeyPair();
  }

  /** Writes through a temporary file and a rename, owner-only from the start. */
  static void write(Path file, String text) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path temporary = Files.createTempFile(parent, "." + file.getFileName(), ".tmp");
    try {
      ownerOnly(temporary, "rw-------");
      Files.writeString(temporary, text, StandardCharsets.UTF_8);
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  private static void ownerOnly(Path path, String permissions) throws IOException {
    try {
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: the platform's defaults apply.
    }
  }
}
