package dev.kubetape.recorder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keeps secret values out of the archive while "did it change?" stays answerable: each value is
 * replaced by {@code kubetape-redacted:hmac-sha256:} and the first 96 bits of its HMAC under a
 * salt of this archive. Equal values give equal marks within one archive; the salt makes
 * guessing a value from its mark as hard as guessing it against the API server.
 *
 * <p>What is replaced: a Secret's {@code data} and {@code stringData} values; every literal env
 * {@code value} whose variable name matches one of the configured patterns (glob, case-insensitive:
 * {@code *PASSWORD*}, {@code *TOKEN*}, {@code *SECRET*}, {@code *KEY*} by default), wherever an
 * {@code env} list appears (Deployments, ReplicaSets, Pods, patches); the same inside
 * {@code kubectl.kubernetes.io/last-applied-configuration}, which holds the whole object as a
 * string; values of JSON patch operations on an env entry. Every value replaced is remembered
 * for the call so that a message echoing it (an API server error) can be scrubbed too.
 *
 * <p>The salt is the file {@code salt} of the archive folder (32 random bytes, hex, owner-only).
 */
final class Redactor {
  static final String MARK = "kubetape-redacted:hmac-sha256:";
  static final List<String> DEFAULT_SECRET_NAMES =
      List.of("*PASSWORD*", "*PASSWD*", "*TOKEN*", "*SECRET*", "*KEY*", "*CREDENTIAL*");
  private static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final byte[] salt;
  private final List<Pattern> secretNames;

  Redactor(byte[] salt, List<String> secretNames) {
    this.salt = salt.clone();
    this.secretNames = secretNames.stream().map(Redactor::glob).toList();
  }

  /** The redactor of an archive folder, making its salt on first use. */
  static Redactor open(Path archive, List<String> secretNames) throws IOException {
    Path file = archive.resolve("salt");
    if (!Files.exists(file)) {
      byte[] fresh = new byte[32];
      new SecureRandom().nextBytes(fresh);
      Path partial = archive.resolve("salt.partial");
      Files.writeString(partial, HexFormat.of().formatHex(fresh), StandardCharsets.US_ASCII);
      try {
        Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException notPosix) {
        // The folder's own permissions protect it.
      }
      try {
        Files.move(partial, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException raced) {
        Files.deleteIfExists(partial);
      }
    }
    String hex = Files.readString(file, StandardCharsets.US_ASCII).trim();
    return new Redactor(HexFormat.of().parseHex(hex), secretNames);
  }

  private static Pattern glob(String glob) {
    StringBuilder regex = new StringBuilder();
    for (char c : glob.toCharArray()) {
      regex.append(switch (c) {
        case '*' -> ".*";
        case '?' -> ".";
        default -> Pattern.quote(String.valueOf(c));
      });
    }
    return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE);
  }

  boolean secretName(String name) {
    for (Pattern pattern : secretNames) {
      if (pattern.matcher(name).matches()) {
        return true;
      }
    }
    return false;
  }

  /** The mark that stands for a value. */
  String mark(String value) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(salt, "HmacSHA256"));
      byte[] digest = mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
      return MARK + HexFormat.of().formatHex(digest, 0, 12);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is part of every JDK", e);
    }
  }

  /** A redacted copy of a body and the secret values it held. */
  record Redacted(JsonNode body, Set<String> secrets) {}

  /**
   * Redacts a JSON text, an exchange's body for {@code resource} ("secrets", "deployments", ...).
   * A body that is not JSON is dropped: it cannot be checked.
   */
  Redacted text(String json, String resource) {
    if (json == null || json.isBlank()) {
      return new Redacted(null, Set.of());
    }
    JsonNode tree;
    try {
      tree = JSON.readTree(json);
    } catch (IOException notJson) {
      return new Redacted(null, Set.of());
    }
    Set<String> secrets = new LinkedHashSet<>();
    if ("secrets".equals(resource)) {
      // A patch of a Secret names neither its kind nor, in a JSON patch, the data's context.
      if (tree instanceof ObjectNode object) {
        redactValues(object.get("data"), secrets);
        redactValues(object.get("stringData"), secrets);
      } else if (tree instanceof ArrayNode operations) {
        for (JsonNode operation : operations) {
          String path = operation.path("path").asText("");
          if (operation instanceof ObjectNode op && op.has("value")
              && (path.startsWith("/data") || path.startsWith("/stringData"))) {
            JsonNode value = op.get("value");
            if (value.isObject()) {
              redactValues(value, secrets);
            } else {
              String text = value.isTextual() ? value.asText() : value.toString();
              secrets.add(text);
              op.put("value", mark(text));
            }
          }
        }
      }
    }
    walk(tree, secrets);
    return new Redacted(tree, secrets);
  }

  /** Redacts a copy of an object (or a list, a patch); the argument is left as it was. */
  Redacted tree(JsonNode tree) {
    if (tree == null) {
      return new Redacted(null, Set.of());
    }
    Set<String> secrets = new LinkedHashSet<>();
    JsonNode copy = tree.deepCopy();
    walk(copy, secrets);
    return new Redacted(copy, secrets);
  }

  /** Replaces every occurrence of the given secret values in a text by their marks. */
  String scrub(String text, Set<String> secrets) {
    if (text == null || secrets.isEmpty()) {
      return text;
    }
    String scrubbed = text;
    for (String secret : secrets) {
      if (secret.length() >= 3) {
        scrubbed = scrubbed.replace(secret, mark(secret));
      }
    }
    return scrubbed;
  }

  private void walk(JsonNode node, Set<String> secrets) {
    if (node instanceof ObjectNode object) {
      if ("Secret".equals(object.path("kind").asText())) {
        redactValues(object.get("data"), secrets);
        redactValues(object.get("stringData"), secrets);
      }
      JsonNode annotations = object.path("metadata").path("annotations");
      if (annotations instanceof ObjectNode notes && notes.get(LAST_APPLIED) instanceof TextNode applied) {
        notes.put(LAST_APPLIED, lastApplied(applied.asText(), secrets));
      }
      if (object.has("op") && object.path("path").asText("").contains("/env")) {
        jsonPatchOperation(object, secrets);
      }
      for (Map.Entry<String, JsonNode> entry : object.properties()) {
        if (entry.getKey().equals("env") && entry.getValue() instanceof ArrayNode env) {
          env.forEach(variable -> envVariable(variable, secrets));
        }
        walk(entry.getValue(), secrets);
      }
    } else if (node instanceof ArrayNode array) {
      array.forEach(item -> walk(item, secrets));
    }
  }

  private void redactValues(JsonNode values, Set<String> secrets) {
    if (values instanceof ObjectNode object) {
      List<String> keys = new ArrayList<>();
      object.fieldNames().forEachRemaining(keys::add);
      for (String key : keys) {
        JsonNode value = object.get(key);
        if (value.isTextual() && !value.asText().startsWith(MARK)) {
          secrets.add(value.asText());
          object.put(key, mark(value.asText()));
        } else if (!value.isNull() && !value.isTextual()) {
          secrets.add(value.toString());
          object.put(key, mark(value.toString()));
        }
      }
    }
  }

  private void envVariable(JsonNode variable, Set<String> secrets) {
    if (variable instanceof ObjectNode entry && entry.path("value").isTextual()
        && secretName(entry.path("name").asText(""))) {
      String value = entry.path("value").asText();
      if (!value.startsWith(MARK)) {
        secrets.add(value);
        entry.put("value", mark(value));
      }
    }
  }

  /**
   * A JSON patch operation on an env entry ({@code /spec/template/spec/containers/0/env/3/value}):
   * the variable's name is not in the operation, so a bare value is taken as secret.
   */
  private void jsonPatchOperation(ObjectNode operation, Set<String> secrets) {
    JsonNode value = operation.get("value");
    if (value != null && value.isTextual() && operation.path("path").asText().endsWith("/value")
        && !value.asText().startsWith(MARK)) {
      secrets.add(value.asText());
      operation.put("value", mark(value.asText()));
    } else if (value instanceof ObjectNode entry) {
      envVariable(entry, secrets);
    } else if (value instanceof ArrayNode entries) {
      entries.forEach(entry -> envVariable(entry, secrets));
    }
  }

  private String lastApplied(String text, Set<String> secrets) {
    try {
      JsonNode applied = JSON.readTree(text);
      walk(applied, secrets);
      return JSON.writeValueAsString(applied);
    } catch (IOException notJson) {
      return mark(text);
    }
  }
}
