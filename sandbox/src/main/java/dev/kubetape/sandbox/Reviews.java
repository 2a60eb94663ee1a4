package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The self-subject reviews ({@code kubectl auth can-i}, {@code auth can-i --list},
 * {@code auth whoami}). The sandbox has one user, a cluster administrator, so every access is
 * allowed, as it is for a member of system:masters on a real cluster.
 */
final class Reviews {
  static final String USER = "sandbox-admin";

  private Reviews() {}

  static ObjectNode review(ResourceType type, ObjectNode request, Registry registry) {
    ObjectNode review = Json.object();
    review.put("kind", type.kind());
    review.put("apiVersion", type.groupVersion());
    review.set("metadata", request.has("metadata") ? request.get("metadata") : Json.object());
    switch (type.kind()) {
      case "SelfSubjectReview" -> {
        ObjectNode user = review.putObject("status").putObject("userInfo");
        user.put("username", USER);
        ArrayNode groups = user.putArray("groups");
        groups.add("system:masters");
        groups.add("system:authenticated");
      }
      case "TokenReview" -> {
        review.set("spec", request.has("spec") ? request.get("spec") : Json.object());
        ObjectNode status = review.putObject("status");
        status.put("authenticated", false);
        status.put("error", "[invalid bearer token, token lookup failed]");
        status.putObject("user");
      }
      case "SelfSubjectAccessReview", "SubjectAccessReview", "LocalSubjectAccessReview" -> {
        review.set("spec", request.has("spec") ? request.get("spec") : Json.object());
        review.putObject("status").put("allowed", true)
            .put("reason", "");
      }
      case "SelfSubjectRulesReview" -> {
        review.set("spec", request.has("spec") ? request.get("spec") : Json.object());
        ObjectNode status = review.putObject("status");
        ObjectNode rule = status.putArray("resourceRules").addObject();
        rule.putArray("verbs").add("*");
        rule.putArray("apiGroups").add("*");
        rule.putArray("resources").add("*");
        ObjectNode nonResource = status.putArray("nonResourceRules").addObject();
        nonResource.putArray("verbs").add("*");
        nonResource.putArray("nonResourceURLs").add("*");
        status.put("incomplete", false);
      }
      default -> throw ApiException.methodNotAllowed(
          "the server does not allow this method on the requested resource");
    }
    return review;
  }
}
