package dev.kubetape.proxy;

import java.time.Duration;
import java.time.Instant;

/**
 * One request and its response as the proxy forwarded them, published to the {@link Tap} once
 * the exchange is over (for a watch or an exec session, when it closes).
 *
 * <p>The route fields are those the API server derives from the path (its RequestInfo): for
 * {@code PATCH /apis/apps/v1/namespaces/shop/deployments/web/scale} they are verb "patch", group
 * "apps", version "v1", resource "deployments", namespace "shop", name "web", subresource
 * "scale". Paths outside {@code /api} and {@code /apis} have the lower-case method as verb and
 * null route fields.
 *
 * <p>Bodies are present only for create, update, patch, delete and deletecollection of
 * deployments, replicasets, statefulsets, daemonsets, pods, services, configmaps and secrets
 * (and their status and scale), and only up to the API server's 3 MiB request limit; JSON, YAML
 * and protobuf are all turned into JSON text, best-effort. Secret bodies hold the secret's data
 * exactly as sent: whoever stores them must redact it. Credentials never appear here: the
 * {@code Authorization} header is not part of an exchange at all.
 *
 * @param time when the request head arrived
 * @param method the HTTP method
 * @param verb the Kubernetes verb: get, list, watch, create, update, patch, delete,
 *     deletecollection (or the lower-case method outside the resource API)
 * @param path the request path, without the query
 * @param query the raw query string, or null
 * @param group the API group ("" for the core group), or null outside the resource API
 * @param version the API version, or null
 * @param resource the resource (plural, lower case), or null
 * @param namespace the namespace, or null for cluster-scoped requests
 * @param name the object's name, or null for collections
 * @param subresource the subresource (status, scale, log, exec, ...), or null
 * @param userAgent the client's User-Agent, or null
 * @param impersonatedUser the Impersonate-User header (kubectl --as), or null
 * @param statusCode the response status (101 for upgraded connections), 0 if none was sent
 * @param bytesIn request body bytes received from the client (tunnel bytes for upgrades)
 * @param bytesOut response body bytes sent to the client (tunnel bytes for upgrades)
 * @param duration from the request head to the last byte of the response
 * @param requestBody the request body as JSON text, or null (see above)
 * @param responseBody the response body as JSON text, or null (see above)
 * @param error why the exchange ended early (client gone, upstream unreachable, ...), or null
 */
public record Exchange(Instant time, String method, String verb, String path, String query,
    String group, String version, String resource, String namespace, String name,
    String subresource, String userAgent, String impersonatedUser, int statusCode, long bytesIn,
    long bytesOut, Duration duration, String requestBody, String responseBody, String error) {

  /** True for create, update, patch, delete and deletecollection. */
  public boolean mutating() {
    return switch (verb) {
      case "create", "update", "patch", "delete", "deletecollection" -> true;
      default -> false;
    };
  }
}
