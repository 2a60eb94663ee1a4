package dev.kubetape.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalAuthorityTest {
  @TempDir
  Path folder;

  @Test
  @DisplayName("the CA, certificate and token are made once and reused, so the written kubeconfig stays valid")
  void madeOnce() throws Exception {
    LocalAuthority first = LocalAuthority.open(folder, "127.0.0.1");
    String server = Files.readString(folder.resolve("server.crt"));
    LocalAuthority second = LocalAuthority.open(folder, "127.0.0.1");
    assertEquals(first.caPem(), second.caPem());
    assertEquals(first.token(), second.token());
    assertEquals(server, Files.readString(folder.resolve("server.crt")));
    assertTrue(first.token().matches("[0-9a-f]{64}"), first.token());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder.resolve("ca.key"))));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder.resolve("token"))));
  }

  @Test
  @DisplayName("a new listen host re-issues the serving certificate from the same CA, keeping the old names")
  void newHost() throws Exception {
    LocalAuthority first = LocalAuthority.open(folder, "127.0.0.1");
    LocalAuthority second = LocalAuthority.open(folder, "127.0.0.2");
    assertEquals(first.caPem(), second.caPem());
    X509Certificate server = Pem.certificates(Files.readString(folder.resolve("server.crt"))).getFirst();
    List<String> names = server.getSubjectAlternativeNames().stream().map(name -> String.valueOf(name.get(1))).toList();
    assertTrue(names.containsAll(List.of("localhost", "127.0.0.1", "127.0.0.2")), names.toString());
    X509Certificate ca = Pem.certificates(first.caPem()).getFirst();
    server.verify(ca.getPublicKey());
  }

  @Test
  @DisplayName("only a Bearer header with exactly the token authorizes")
  void authorizes() throws Exception {
    LocalAuthority authority = LocalAuthority.open(folder, "127.0.0.1");
    assertTrue(authority.authorizes("Bearer " + authority.token()));
    assertTrue(authority.authorizes("bearer " + authority.token()));
    assertFalse(authority.authorizes("Bearer " + authority.token() + "x"));
    assertFalse(authority.authorizes("Basic " + authority.token()));
    assertFalse(authority.authorizes(null));
    assertNotEquals(authority.token(), LocalAuthority.open(folder.resolve("other"), "127.0.0.1").token());
  }
}
