package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The enum values a running kube-apiserver puts in its OpenAPI documents. The documents published
 * in the k8s.io/kubernetes module leave them out, but a server with the OpenAPIEnums feature
 * (on by default) adds, for each field its Go type marks {@code +enum}, the allowed values
 * ({@code "enum"}) and a description that ends with "Possible enum values: ..."; {@code kubectl
 * explain} prints both. They are read from the same module's generated Go definitions
 * ({@code zz_generated.openapi.go}, reduced to the lines that matter) and added to the documents
 * at build time ({@link OpenApiDocuments}), so the sandbox serves finished documents.
 */
final class OpenApiEnums {
  /** What an enum field's description ends with: the values and what each means. */
  static final String VALUES_HEADING = "\n\nPossible enum values:\n";

  /** Where in a property's schema the values go. */
  enum Where { PROPERTY, ITEMS, VALUES }

  /** One enum field: its full description (null when only the values change) and values. */
  record Field(String property, String description, List<String> values, Where where) {}

  private static final Pattern DEFINITION = Pattern.compile("^\\t\\t\"([^\"]+)\": schema_(\\w+)\\(ref\\),$");
  private static final Pattern FUNCTION = Pattern.compile("^func schema_(\\w+)\\(");
  private static final Pattern PROPERTY = Pattern.compile("^(\\t+)\"([^\"]+)\": \\{$");
  private static final Pattern DESCRIPTION = Pattern.compile("^(\\t+)Description: +\"(.*)\",$");
  private static final Pattern ENUM = Pattern.compile("^(\\t+)Enum: +\\[]interface\\{}\\{(.*)},$");
  private static final Pattern STRING = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** By OpenAPI schema name, e.g. "io.k8s.api.core.v1.ContainerPort". */
  private final Map<String, List<Field>> bySchema;

  private OpenApiEnums(Map<String, List<Field>> bySchema) {
    this.bySchema = bySchema;
  }

  boolean isEmpty() {
    return bySchema.isEmpty();
  }

  /** Reads the reduced Go definitions: every property with an enum, by its schema's OpenAPI name. */
  static OpenApiEnums parse(List<String> lines) {
    Map<String, String> schemaByFunction = new HashMap<>();
    Map<String, List<Field>> bySchema = new HashMap<>();
    String schema = null;
    String property = null;
    int propertyIndent = 0;
    String description = null;
    Where where = Where.PROPERTY;
    for (String line : lines) {
      Matcher m;
      if ((m = DEFINITION.matcher(line)).matches()) {
        schemaByFunction.put(m.group(2), openApiName(m.group(1)));
      } else if ((m = FUNCTION.matcher(line)).find()) {
        schema = schemaByFunction.get(m.group(1));
        property = null;
      } else if ((m = PROPERTY.matcher(line)).matches()) {
        property = m.group(2);
        propertyIndent = m.group(1).length();
        description = null;
        where = Where.PROPERTY;
      } else if (line.contains("\tItems: ")) {
        where = Where.ITEMS;
      } else if (line.contains("\tAdditionalProperties: ")) {
        where = Where.VALUES;
      } else if ((m = DESCRIPTION.matcher(line)).matches() && m.group(1).length() == propertyIndent + 2) {
        description = unquote(m.group(2));
      } else if ((m = ENUM.matcher(line)).matches() && schema != null && property != null) {
        List<String> values = new ArrayList<>();
        Matcher value = STRING.matcher(m.group(2));
        while (value.find()) {
          values.add(unquote(value.group(1)));
        }
        Where at = m.group(1).length() == propertyIndent + 2 ? Where.PROPERTY : where;
        bySchema.computeIfAbsent(schema, s -> new ArrayList<>()).add(new Field(property, description, values, at));
      }
    }
    return new OpenApiEnums(bySchema);
  }

  /** "k8s.io/api/core/v1.Pod" as OpenAPI names it: "io.k8s.api.core.v1.Pod". */
  static String openApiName(String goType) {
    int slash = goType.indexOf('/');
    String[] domain = goType.substring(0, slash).split("\\.");
    StringBuilder name = new StringBuilder();
    for (int i = domain.length - 1; i >= 0; i--) {
      name.append(domain[i]).append('.');
    }
    return name.append(goType.substring(slash + 1).replace('/', '.')).toString();
  }

  /** The value of a Go interpreted string literal's body. */
  private static String unquote(String literal) {
    StringBuilder text = new StringBuilder(literal.length());
    for (int i = 0; i < literal.length(); i++) {
      char c = literal.charAt(i);
      if (c != '\\' || i + 1 == literal.length()) {
        text.append(c);
        continue;
      }
      char escaped = literal.charAt(++i);
      switch (escaped) {
        case 'n' -> text.append('\n');
        case 't' -> text.append('\t');
        case 'r' -> text.append('\r');
        case 'u' -> {
          text.append((char) Integer.parseInt(literal.substring(i + 1, i + 5), 16));
          i += 4;
        }
        default -> text.append(escaped);
      }
    }
    return text.toString();
  }

  /** Fields of {@code schemaName} that carry enums. */
  List<Field> fields(String schemaName) {
    return bySchema.getOrDefault(schemaName, List.of());
  }

  /**
   * An OpenAPI v3 document with the enums added; the same array when it defines none of the
   * schemas that have enums.
   */
  byte[] addTo(byte[] document) {
    String text = new String(document, StandardCharsets.ISO_8859_1);
    if (bySchema.keySet().stream().noneMatch(name -> text.contains("\"" + name + "\""))) {
      return document;
    }
    try {
      JsonNode tree = Json.MAPPER.readTree(document);
      return addTo(tree) ? Json.bytes(tree) : document;
    } catch (IOException e) {
      throw new UncheckedIOException("could not parse an OpenAPI document to add its enums", e);
    }
  }

  /** Adds the enums to a parsed OpenAPI v3 document; returns whether anything changed. */
  boolean addTo(JsonNode document) {
    boolean changed = false;
    JsonNode schemas = document.path("components").path("schemas");
    for (Map.Entry<String, JsonNode> schema : schemas.properties()) {
      for (Field field : fields(schema.getKey())) {
        if (!(schema.getValue().path("properties").get(field.property()) instanceof ObjectNode property)) {
          continue;
        }
        JsonNode target = switch (field.where()) {
          case PROPERTY -> property;
          case ITEMS -> property.get("items");
          case VALUES -> property.get("additionalProperties");
        };
        if (target instanceof ObjectNode values) {
          ArrayNode list = values.putArray("enum");
          field.values().forEach(list::add);
          changed = true;
        }
        if (field.description() != null && property.has("description")) {
          property.put("description", field.description());
          changed = true;
        }
      }
    }
    return changed;
  }
}
