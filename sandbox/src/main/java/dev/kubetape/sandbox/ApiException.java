package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A request that fails the way kube-apiserver fails it: an HTTP code, a {@code Status} reason
 * and message, and for validation errors the causes, each naming a field.
 */
final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  record Cause(String reason, String message, String field) {}

  final int code;
  final String reason;
  final transient ObjectNode details;

  ApiException(int code, String reason, String message, ObjectNode details) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  ObjectNode status() {
    ObjectNode status = Json.object();
    status.put("kind", "Status");
    status.put("apiVersion", "v1");
    status.putObject("metadata");
    status.put("status", "Failure");
    status.put("message", getMessage());
    if (reason != null && !reason.isEmpty()) {
      status.put("reason", reason);
    }
    if (details != null) {
      status.set("details", details);
    }
    status.put("code", code);
    return status;
  }

  static ObjectNode details(String name, String group, String kind, List<Cause> causes) {
    ObjectNode details = Json.object();
    if (name != null && !name.isEmpty()) {
      details.put("name", name);
    }
    if (group != null && !group.isEmpty()) {
      details.put("group", group);
    }
    if (kind != null && !kind.isEmpty()) {
      details.put("kind", kind);
    }
    if (causes != null && !causes.isEmpty()) {
      ArrayNode list = details.putArray("causes");
      for (Cause cause : causes) {
        ObjectNode item = list.addObject();
        item.put("reason", cause.reason());
        item.put("message", cause.message());
        item.put("field", cause.field());
      }
    }
    return details;
  }

  static ApiException badRequest(String message) {
    return new ApiException(400, "BadRequest", message, null);
  }

  static ApiException notFound(ResourceType type, String name) {
    return new ApiException(404, "NotFound",
        type.qualifiedResource() + " \"" + name + "\" not found",
        details(name, type.group(), type.resource(), null));
  }

  static ApiException alreadyExists(ResourceType type, String name) {
    return new ApiException(409, "AlreadyExists",
        type.qualifiedResource() + " \"" + name + "\" already exists",
        details(name, type.group(), type.resource(), null));
  }

  static ApiException conflict(ResourceType type, String name, String why) {
    return new ApiException(409, "Conflict",
        "Operation cannot be fulfilled on " + type.qualifiedResource() + " \"" + name + "\": " + why,
        details(name, type.group(), type.resource(), null));
  }

  static ApiException methodNotAllowed(String message) {
    return new ApiException(405, "MethodNotAllowed", message, Json.object());
  }

  /** 422: the object is invalid; one cause per failed field check, as field.ErrorList renders. */
  static ApiException invalid(ResourceType type, String name, List<Cause> causes) {
    StringBuilder message = new StringBuilder();
    message.append(type.qualifiedKind()).append(' ');
    message.append('"').append(name == null ? "" : name).append("\" is invalid: ");
    if (causes.size() == 1) {
      message.append(causes.get(0).field()).append(": ").append(causes.get(0).message());
    } else {
      message.append('[');
      for (int i = 0; i < causes.size(); i++) {
        if (i > 0) {
          message.append(", ");
        }
        message.append(causes.get(i).field()).append(": ").append(causes.get(i).message());
      }
      message.append(']');
    }
    return new ApiException(422, "Invalid", message.toString(),
        details(name, type.group(), type.kind(), causes));
  }
}
