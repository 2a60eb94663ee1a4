package dev.kubetape.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * A captured body as JSON text, whatever the client or the server sent: JSON (and the patch
 * types), YAML (apply-patch+yaml) or Kubernetes protobuf, gzip-compressed or not. Best-effort:
 * a body it cannot read gives null, never an exception.
 */
final class BodyJson {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private BodyJson() {}

  static String decode(byte[] body, String contentType, String contentEncoding) {
    if (body == null || body.length == 0) {
      return null;
    }
    try {
      byte[] plain = contentEncoding != null && contentEncoding.toLowerCase(Locale.ROOT).contains("gzip")
          ? gunzip(body) : body;
      if (plain == null) {
        return null;
      }
      String media = contentType == null ? "application/json"
          : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
      if (media.contains("protobuf")) {
        return ProtobufJson.decode(plain);
      }
      JsonNode tree = media.contains("yaml") ? YAML.readTree(plain) : media.contains("json") ? JSON.readTree(plain) : null;
      return tree == null || tree.isMissingNode() ? null : JSON.writeValueAsString(tree);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Inflates up to the capture limit; a body that inflates beyond it is not kept. */
  private static byte[] gunzip(byte[] body) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(body.length * 4);
      byte[] buffer = new byte[16384];
      for (int n; (n = in.read(buffer)) > 0; ) {
        if (out.size() + n > BodyCapture.LIMIT) {
          return null;
        }
        out.write(buffer, 0, n);
      }
      return out.toByteArray();
    }
  }
}
