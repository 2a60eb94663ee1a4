package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The "registry" of the sandbox: which images exist and how their processes behave once the
 * kubelet starts them (CONTRACT.md, "The sandbox image catalog"). An image the catalog does not
 * list does not exist: pulling it fails. Lookup follows testbed/internal/catalog, so the sandbox
 * and the real control plane's KWOK treat a pod alike: an exact reference wins, else the longest
 * matching prefix of an entry ending in {@code *}; a reference also matches in the normalized
 * form containerd reports ({@code nginx} is {@code docker.io/library/nginx:latest}).
 *
 * <p>Beyond the contract's fields the sandbox reads a few of its own, which the testbed ignores:
 * {@code sizeBytes} and {@code pullSeconds} (what the {@code Pulled} event reports),
 * {@code stopSeconds} (how long the process takes to exit on SIGTERM; longer than the grace
 * period means SIGKILL) and {@code stopLogs} (lines printed on SIGTERM). Log lines may use
 * {@code ${time}}, {@code ${hostname}} and {@code ${podIP}}.
 */
final class ImageCatalog {
  static final String DEFAULT_RESOURCE = "/dev/kubetape/sandbox/catalog.yaml";

  /**
   * One catalog entry, with the defaults applied.
   *
   * @param exitAfterSeconds null when the process runs until stopped
   * @param memoryMi null when the process stays within any limit
   */
  record Image(String image, double startSeconds, boolean ready, Double exitAfterSeconds,
      int exitCode, Double memoryMi, List<String> logs, long sizeBytes, double pullSeconds,
      double stopSeconds, List<String> stopLogs) {

    boolean isPrefix() {
      return image.endsWith("*");
    }

    String prefix() {
      return image.substring(0, image.length() - 1);
    }
  }

  private final List<Image> images;

  private ImageCatalog(List<Image> images) {
    this.images = List.copyOf(images);
  }

  /** The catalog in {@code file}, or the built-in default when {@code file} is null. */
  static ImageCatalog load(Path file) throws IOException {
    if (file == null) {
      try (InputStream in = ImageCatalog.class.getResourceAsStream(DEFAULT_RESOURCE)) {
        if (in == null) {
          throw new IOException("the built-in image catalog " + DEFAULT_RESOURCE
              + " is missing from the classpath; rebuild the sandbox module or pass --catalog FILE");
        }
        return parse(Json.YAML.readTree(in), "the built-in catalog");
      }
    }
    JsonNode root;
    try {
      root = Json.YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new IOException("cannot read the image catalog " + file + ": " + e.getMessage()
          + "; check --catalog", e);
    }
    return parse(root, file.toString());
  }

  static ImageCatalog parse(String yaml) throws IOException {
    return parse(Json.YAML.readTree(yaml), "the catalog");
  }

  private static ImageCatalog parse(JsonNode root, String source) throws IOException {
    if (root == null || !root.path("images").isArray()) {
      throw new IOException(source
          + " has no 'images:' list; see CONTRACT.md, \"The sandbox image catalog\"");
    }
    List<Image> images = new ArrayList<>();
    int index = 0;
    for (JsonNode entry : root.path("images")) {
      index++;
      String image = entry.path("image").asText("");
      if (image.isEmpty() || image.equals("*")) {
        throw new IOException("entry " + index + " of " + source + " has no image reference");
      }
      if (image.substring(0, image.length() - 1).contains("*")) {
        throw new IOException("image \"" + image + "\" in " + source + ": only a trailing * is supported");
      }
      double start = number(entry, "startSeconds", 1, image, source);
      Double exitAfter = entry.hasNonNull("exitAfterSeconds")
          ? number(entry, "exitAfterSeconds", 0, image, source) : null;
      int exitCode = entry.path("exitCode").asInt(0);
      if (exitCode < 0 || exitCode > 255) {
        throw new IOException("image \"" + image + "\" in " + source
            + ": exitCode must be between 0 and 255");
      }
      Double memory = entry.hasNonNull("memoryMi") ? number(entry, "memoryMi", 0, image, source) : null;
      long size = entry.hasNonNull("sizeBytes") ? entry.get("sizeBytes").asLong()
          : defaultSize(image);
      double pull = entry.hasNonNull("pullSeconds") ? number(entry, "pullSeconds", 0, image, source)
          : 0.4 + size / 120_000_000.0;
      double stop = number(entry, "stopSeconds", 1, image, source);
      images.add(new Image(image, start, entry.path("ready").asBoolean(true), exitAfter, exitCode,
          memory, lines(entry.path("logs")), size, pull, stop, lines(entry.path("stopLogs"))));
    }
    return new ImageCatalog(images);
  }

  private static double number(JsonNode entry, String field, double fallback, String image,
      String source) throws IOException {
    JsonNode value = entry.get(field);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isNumber() || value.asDouble() < 0) {
      throw new IOException("image \"" + image + "\" in " + source + ": " + field
          + " must be a number of seconds (or MiB) that is not negative, not '" + value.asText() + "'");
    }
    return value.asDouble();
  }

  private static List<String> lines(JsonNode list) {
    List<String> lines = new ArrayList<>();
    list.forEach(line -> lines.add(line.asText()));
    return List.copyOf(lines);
  }

  /** A plausible, stable size for an image the catalog gives none for: 30 to 230 MB. */
  private static long defaultSize(String image) {
    byte[] hash = sha256(image);
    long spread = ((hash[0] & 0xffL) << 8 | (hash[1] & 0xffL)) * 200_000_000L / 65_536;
    return 30_000_000L + spread;
  }

  /** The entry for an image reference as a pod spec names it, if the registry has it. */
  Optional<Image> find(String reference) {
    List<String> forms = List.of(reference, normalize(reference));
    for (Image image : images) {
      if (!image.isPrefix() && forms.contains(image.image())) {
        return Optional.of(image);
      }
    }
    Image best = null;
    for (Image image : images) {
      if (image.isPrefix() && forms.stream().anyMatch(f -> f.startsWith(image.prefix()))
          && (best == null || image.prefix().length() > best.prefix().length())) {
        best = image;
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * The fully qualified reference containerd reports in a container's status: Docker Hub's
   * domain and "library/" made explicit, and ":latest" when no tag or digest is given.
   */
  static String normalize(String reference) {
    String name = reference;
    String suffix = "";
    int at = name.indexOf('@');
    if (at >= 0) {
      suffix = name.substring(at);
      name = name.substring(0, at);
    }
    int slash = name.lastIndexOf('/');
    int colon = name.lastIndexOf(':');
    if (colon > slash) {
      suffix = name.substring(colon) + suffix;
      name = name.substring(0, colon);
    } else if (suffix.isEmpty()) {
      suffix = ":latest";
    }
    int firstSlash = name.indexOf('/');
    String first = firstSlash < 0 ? "" : name.substring(0, firstSlash);
    boolean hasDomain = first.contains(".") || first.contains(":") || first.equals("localhost");
    if (!hasDomain) {
      name = "docker.io/" + name;
    } else if (first.equals("index.docker.io")) {
      name = "docker.io" + name.substring(first.length());
    }
    if (name.startsWith("docker.io/") && name.indexOf('/', "docker.io/".length()) < 0) {
      name = "docker.io/library/" + name.substring("docker.io/".length());
    }
    return name + suffix;
  }

  /** The repository part of a normalized reference, which an image ID is written under. */
  static String repository(String reference) {
    String normalized = normalize(reference);
    int at = normalized.indexOf('@');
    if (at >= 0) {
      return normalized.substring(0, at);
    }
    int slash = normalized.lastIndexOf('/');
    int colon = normalized.lastIndexOf(':');
    return colon > slash ? normalized.substring(0, colon) : normalized;
  }

  /** The image's content digest in the registry: stable for a reference, as a real one is. */
  static String digest(String reference) {
    return "sha256:" + HexFormat.of().formatHex(sha256("image:" + normalize(reference)));
  }

  static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
