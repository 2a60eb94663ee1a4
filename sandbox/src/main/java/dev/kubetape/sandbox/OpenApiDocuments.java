package dev.kubetape.sandbox;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The build step that finishes the packaged OpenAPI documents (see the pom, process-classes):
 * adds the enums a running server adds ({@link OpenApiEnums}) and writes every document's
 * SHA-512, which the index at {@code /openapi/v3} names it by. Hashing 12 MB of documents when
 * the first client asks for the index took an event loop 1 to 6 seconds on a cold JVM, long
 * enough for other clients' TLS handshakes on that loop to time out.
 */
final class OpenApiDocuments {
  /** The file, beside the documents, that holds each document's hash by file name. */
  static final String HASHES = "hashes.properties";

  private OpenApiDocuments() {}

  /** {@code args[0]}: the reduced Go definitions; {@code args[1]}: the folder of documents, changed in place. */
  public static void main(String[] args) throws IOException {
    OpenApiEnums enums = OpenApiEnums.parse(Files.readAllLines(Path.of(args[0])));
    if (enums.isEmpty()) {
      throw new IllegalStateException("no enum found in " + args[0] + "; has the Go file's layout changed?");
    }
    Path folder = Path.of(args[1]);
    Properties hashes = new Properties();
    List<Path> documents;
    try (Stream<Path> files = Files.list(folder)) {
      documents = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    for (Path document : documents) {
      byte[] published = Files.readAllBytes(document);
      byte[] finished = enums.addTo(published);
      if (finished != published) {
        Files.write(document, finished);
      }
      hashes.setProperty(document.getFileName().toString(), hash(finished));
    }
    try (Writer out = Files.newBufferedWriter(folder.resolve(HASHES), StandardCharsets.ISO_8859_1)) {
      hashes.store(out, "SHA-512 of each OpenAPI document, written by OpenApiDocuments");
    }
  }

  /** The hash kube-apiserver names a document by: SHA-512, upper-case hex. */
  static String hash(byte[] document) {
    try {
      return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-512").digest(document));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-512 is part of every JDK", e);
    }
  }
}
