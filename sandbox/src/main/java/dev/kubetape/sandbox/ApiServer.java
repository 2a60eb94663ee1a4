package dev.kubetape.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.PemKeyCertOptions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox's HTTP front: TLS with HTTP/2 and HTTP/1.1, bearer-token authentication, and the
 * routing of kube-apiserver's URL space to discovery, OpenAPI, the registry, watches, logs and
 * exec. Responses carry the real server's status codes, headers and {@code Status} bodies.
 */
final class ApiServer {
  private static final Logger logger = LoggerFactory.getLogger(ApiServer.class);

  /** kube-apiserver's limit on request bodies. */
  static final long MAX_BODY_BYTES = 3 * 1024 * 1024;
  private static final String JSON = "application/json";
  private static final String YAML = "application/yaml";

  /** How a client asked for a response to be shaped, from its Accept header. */
  private enum Shape { OBJECT, TABLE, PARTIAL_METADATA, YAML }

  private final Vertx vertx;
  private final SandboxConfig config;
  private final Certificates.Pem pem;
  private final String token;
  private final Registry registry;
  private final Discovery discovery;
  private final OpenApi openApi;
  private final Tables tables;
  private final PodStreams podStreams;
  private final PortForward portForward;
  private final String gitVersion;
  /** The watches of each event loop, by its thread. */
  private final Map<Thread, WatchDispatcher> dispatchers = new ConcurrentHashMap<>();
  private String deployment;

  ApiServer(Vertx vertx, SandboxConfig config, Certificates.Pem pem, String token,
      Registry registry, Discovery discovery, OpenApi openApi, Tables tables,
      PodStreams podStreams, String gitVersion) {
    this.vertx = vertx;
    this.config = config;
    this.pem = pem;
    this.token = token;
    this.registry = registry;
    this.discovery = discovery;
    this.openApi = openApi;
    this.tables = tables;
    this.podStreams = podStreams;
    this.portForward = new PortForward(registry);
    this.gitVersion = gitVersion;
  }

  /** Starts listening with one server on each of {@code eventLoops} event loops; returns the bound port. */
  int listen(int eventLoops) throws Exception {
    HttpServerOptions options = new HttpServerOptions()
        .setHost(config.host())
        .setSsl(true)
        .setUseAlpn(true)
        .setKeyCertOptions(new PemKeyCertOptions()
            .setCertValue(Buffer.buffer(pem.serverCertificate()))
            .setKeyValue(Buffer.buffer(pem.serverKey())))
        .setMaxFormAttributeSize(-1)
        .setCompressionSupported(false)
        .setWebSocketSubProtocols(Stream.concat(PodStreams.EXEC_PROTOCOLS.stream(),
            Stream.of(PortForward.WEBSOCKET_PROTOCOL)).toList())
        .setMaxWebSocketFrameSize(1024 * 1024)
        .setMaxHeaderSize(1024 * 1024)
        .setIdleTimeout(0);
    // Vert.x serves every connection of a server on the one event loop it was started from. A
    // server per event loop, all on the same port (Vert.x deals the connections out among them),
    // spreads TLS and the watches over every core. A negative port is Vert.x's random port shared
    // by every server that asks for the same negative number.
    int port = config.port() == 0 ? -1 : config.port();
    List<HttpServer> servers = new CopyOnWriteArrayList<>();
    deployment = vertx.deployVerticle(() -> context -> vertx.createHttpServer(options)
            .connectionHandler(ApiServer::tuneHttp2)
            .requestHandler(this::handle).listen(port).onSuccess(servers::add),
        new DeploymentOptions().setInstances(eventLoops)).toCompletionStage().toCompletableFuture().get();
    return servers.getFirst().actualPort();
  }

  /**
   * Two adjustments to each HTTP/2 connection's Netty channel, which Vert.x's API does not reach
   * (with a Vert.x whose connections are not these classes, neither is made):
   *
   * <p>Vert.x 5.0 keeps each HTTP/2 stream's writability by flipping a flag on every change the
   * flow controller reports, and the reports can come twice when a write makes the whole
   * channel unwritable (an answer over the channel's 64 KiB high-water mark) while other streams
   * write: a stream can then believe it may not write, and its answer never leaves (a LIST hung
   * whenever a larger answer shared its connection, as client-go shares one among a process's
   * requests). A high-water mark of 64 MiB keeps the channel writable; the clients' HTTP/2
   * windows and {@link WatchStream#MAX_UNSENT_BYTES} still bound what waits in it.
   *
   * <p>Vert.x flushes after every write made outside a read: one change written to the 40
   * watches of a connection became 40 TLS records and 40 system calls. Flushes are held back
   * until the event loop finishes its task (the dispatch of a batch of changes), so they go out
   * together.
   */
  private static void tuneHttp2(HttpConnection connection) {
    if (connection instanceof io.vertx.core.http.impl.HttpServerConnection internal) {
      ChannelPipeline pipeline = internal.channelHandlerContext().pipeline();
      if (pipeline.get(Http2ConnectionHandler.class) != null) {
        internal.channelHandlerContext().channel().config()
            .setWriteBufferWaterMark(new WriteBufferWaterMark(32 << 20, 64 << 20));
        pipeline.addLast(new FlushConsolidationHandler(
            FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
      }
    }
  }

  void close() throws Exception {
    if (deployment != null) {
      vertx.undeploy(deployment).toCompletionStage().toCompletableFuture().get();
    }
  }

  // ---- the front door ------------------------------------------------------------------------

  private void handle(HttpServerRequest request) {
    HttpServerResponse response = request.response();
    response.putHeader("Audit-Id", UUID.randomUUID().toString());
    response.putHeader("Date", java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
        .format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC)));
    response.putHeader("Cache-Control", "no-cache, private");
    response.putHeader("X-Kubernetes-Pf-Flowschema-Uid", FLOW_SCHEMA_UID);
    response.putHeader("X-Kubernetes-Pf-Prioritylevel-Uid", PRIORITY_LEVEL_UID);
    try {
      String path = request.path();
      String authorization = request.getHeader("Authorization");
      boolean authenticated = authorization != null && constantTimeEquals(authorization, "Bearer " + token);
      if (authorization != null && !authenticated) {
        throw new ApiException(401, "Unauthorized", "Unauthorized", null);
      }
      if (!authenticated && !isPublicInfo(path)) {
        throw forbiddenForAnonymous(request);
      }
      String length = request.getHeader("Content-Length");
      if (length != null && Long.parseLong(length.trim()) > MAX_BODY_BYTES) {
        throw tooLarge();
      }
      route(request, path);
    } catch (ApiException e) {
      fail(request, e);
    } catch (RuntimeException e) {
      logger.warn("{} {} failed inside the sandbox", request.method(), request.uri(), e);
      fail(request, new ApiException(500, "InternalError",
          "Internal error occurred: " + e.getMessage(), null));
    }
  }

  /** Paths that system:public-info-viewer lets anonymous users read on a real cluster. */
  private static boolean isPublicInfo(String path) {
    return path.equals("/version") || path.equals("/healthz") || path.startsWith("/livez")
        || path.startsWith("/readyz") || path.startsWith("/healthz/");
  }

  private ApiException forbiddenForAnonymous(HttpServerRequest request) {
    RequestInfo info = RequestInfo.parse(request.path());
    String message;
    if (info == null) {
      message = "forbidden: User \"system:anonymous\" cannot " + request.method().name().toLowerCase(Locale.ROOT)
          + " path \"" + request.path() + "\"";
    } else {
      String verb = verb(request, info);
      message = info.resource() + (info.group().isEmpty() ? "" : "." + info.group())
          + (info.name() == null ? "" : " \"" + info.name() + "\"")
          + " is forbidden: User \"system:anonymous\" cannot " + verb + " resource \""
          + info.resource() + (info.subresource() == null ? "" : "/" + info.subresource())
          + "\" in API group \"" + info.group() + "\""
          + (info.namespace() == null ? " at the cluster scope" : " in the namespace \"" + info.namespace() + "\"");
    }
    ObjectNode details = Json.object();
    if (info != null) {
      if (info.name() != null) {
        details.put("name", info.name());
      }
      if (!info.group().isEmpty()) {
        details.put("group", info.group());
      }
      details.put("kind", info.resource());
    }
    return new ApiException(403, "Forbidden", message, details);
  }

  private static ApiException tooLarge() {
    return new ApiException(413, "RequestEntityTooLarge",
        "Request entity too large: limit is " + MAX_BODY_BYTES, null);
  }

  private void route(HttpServerRequest request, String path) {
    switch (path) {
      case "/version", "/version/" -> {
        writeJson(request, 200, version());
        return;
      }
      case "/healthz", "/livez", "/readyz" -> {
        if (request.params().contains("verbose")) {
          writeText(request, 200, health(path.substring(1)));
        } else {
          writeText(request, 200, "ok");
        }
        return;
      }
      case "/api", "/api/" -> {
        discoveryResponse(request, discovery.apiVersions(), discovery.aggregated(true));
        return;
      }
      case "/apis", "/apis/" -> {
        discoveryResponse(request, discovery.apiGroupList(), discovery.aggregated(false));
        return;
      }
      default -> { }
    }
    if (path.startsWith("/healthz/") || path.startsWith("/livez/") || path.startsWith("/readyz/")) {
      writeText(request, 200, "ok");
      return;
    }
    if (path.startsWith("/openapi/v3")) {
      openApiResponse(request, path);
      return;
    }
    if (path.equals("/openapi/v2")) {
      throw notFound();
    }
    String[] parts = path.replaceAll("^/+|/+$", "").split("/");
    if (parts.length == 2 && parts[0].equals("api")) {
      if (!parts[1].equals("v1")) {
        throw notFound();
      }
      writeJson(request, 200, discovery.apiResourceList("", "v1"));
      return;
    }
    if (parts.length == 2 && parts[0].equals("apis")) {
      if (registry.resources().inGroup(parts[1]).isEmpty()) {
        throw notFound();
      }
      writeJson(request, 200, discovery.apiGroup(parts[1], true));
      return;
    }
    if (parts.length == 3 && parts[0].equals("apis")) {
      if (!registry.resources().servesGroupVersion(parts[1], parts[2])) {
        throw notFound();
      }
      writeJson(request, 200, discovery.apiResourceList(parts[1], parts[2]));
      return;
    }
    RequestInfo info = RequestInfo.parse(path);
    if (info == null) {
      throw notFound();
    }
    if (!registry.resources().servesGroupVersion(info.group(), info.version())) {
      // No handler is registered for an unknown group-version: Go's mux answers in plain text.
      writeText(request, 404, "404 page not found\n");
      return;
    }
    ResourceType type = registry.resources().find(info.group(), info.version(), info.resource())
        .orElseThrow(ApiServer::notFound);
    resource(request, type, info);
  }

  private static ApiException notFound() {
    return new ApiException(404, "NotFound", "the server could not find the requested resource",
        Json.object());
  }

  private ObjectNode version() {
    ObjectNode version = Json.object();
    String[] numbers = gitVersion.substring(1).split("[.-]");
    version.put("major", numbers[0]);
    version.put("minor", numbers[1]);
    version.put("emulationMajor", numbers[0]);
    version.put("emulationMinor", numbers[1]);
    version.put("minCompatibilityMajor", numbers[0]);
    version.put("minCompatibilityMinor", Integer.toString(Integer.parseInt(numbers[1]) - 1));
    version.put("gitVersion", gitVersion);
    version.put("gitCommit", GIT_COMMIT);
    version.put("gitTreeState", "clean");
    version.put("buildDate", BUILD_DATE);
    version.put("goVersion", "go1.24.12");
    version.put("compiler", "gc");
    version.put("platform", "linux/amd64");
    return version;
  }

  private static String health(String endpoint) {
    List<String> checks = List.of("ping", "log", "etcd", "poststarthook/start-apiserver-admission-initializer",
        "poststarthook/generic-apiserver-start-informers", "poststarthook/start-apiextensions-informers",
        "poststarthook/bootstrap-controller", "poststarthook/rbac/bootstrap-roles",
        "poststarthook/scheduling/bootstrap-system-priority-classes");
    StringBuilder text = new StringBuilder();
    for (String check : checks) {
      text.append("[+]").append(check).append(" ok\n");
    }
    return text.append(endpoint).append(" check passed\n").toString();
  }

  // ---- discovery and OpenAPI -----------------------------------------------------------------

  private void discoveryResponse(HttpServerRequest request, ObjectNode legacy, ObjectNode aggregated) {
    String accept = request.getHeader("Accept");
    HttpServerResponse response = request.response();
    response.putHeader("Vary", "Accept");
    if (accept != null && accept.contains("as=APIGroupDiscoveryList") && accept.contains("v=v2")
        && !acceptsOnlyProtobuf(accept)) {
      byte[] body = Json.bytes(aggregated);
      String etag = "\"" + sha512Hex(body) + "\"";
      response.headers().set("Cache-Control", "public");
      response.putHeader("Etag", etag);
      if (etag.equals(request.getHeader("If-None-Match"))) {
        response.setStatusCode(304).end();
        return;
      }
      response.putHeader("Content-Type", Discovery.AGGREGATED_V2);
      response.setStatusCode(200).end(Buffer.buffer(body).appendByte((byte) '\n'));
      return;
    }
    writeJson(request, 200, legacy);
  }

  private static boolean acceptsOnlyProtobuf(String accept) {
    return accept.contains("application/vnd.kubernetes.protobuf") && !accept.contains(JSON);
  }

  private void openApiResponse(HttpServerRequest request, String path) {
    String rest = path.substring("/openapi/v3".length()).replaceAll("^/+", "");
    HttpServerResponse response = request.response();
    if (rest.isEmpty()) {
      writeJson(request, 200, openApi.index());
      return;
    }
    OpenApi.Document document = openApi.document(rest);
    if (document == null) {
      throw notFound();
    }
    String hash = request.getParam("hash");
    if (hash != null && !hash.equals(document.hash())) {
      response.putHeader("Location", "/openapi/v3/" + rest + "?hash=" + document.hash());
      response.setStatusCode(301).end();
      return;
    }
    response.putHeader("Etag", "\"" + document.hash() + "\"");
    if (hash != null) {
      response.putHeader("Cache-Control", "public, immutable");
      response.putHeader("Expires", java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
          .format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusYears(1)));
    }
    if (("\"" + document.hash() + "\"").equals(request.getHeader("If-None-Match"))) {
      response.setStatusCode(304).end();
      return;
    }
    response.putHeader("Content-Type", JSON);
    response.setStatusCode(200).end(Buffer.buffer(document.body()));
  }

  // ---- resources -----------------------------------------------------------------------------

  private static String verb(HttpServerRequest request, RequestInfo info) {
    HttpMethod method = request.method();
    if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
      if (info.legacyWatch() || isTrue(request.getParam("watch"))) {
        return "watch";
      }
      return info.name() == null ? "list" : "get";
    }
    if (method == HttpMethod.POST) {
      return "create";
    }
    if (method == HttpMethod.PUT) {
      return "update";
    }
    if (method == HttpMethod.PATCH) {
      return "patch";
    }
    if (method == HttpMethod.DELETE) {
      return info.name() == null ? "deletecollection" : "delete";
    }
    return method.name().toLowerCase(Locale.ROOT);
  }

  /** Query flags are true as "true" or "1", as the API server parses them. */
  static boolean isTrue(String value) {
    return value != null && (value.equals("true") || value.equals("1"));
  }

  private void resource(HttpServerRequest request, ResourceType type, RequestInfo info) {
    String verb = verb(request, info);
    if (type.namespaced() && info.namespace() == null && info.name() != null) {
      throw notFound();
    }
    if (!type.namespaced() && info.namespace() != null && !type.resource().equals("namespaces")) {
      throw notFound();
    }
    if (type.kind().equals("Endpoints")) {
      request.response().headers().add("Warning",
          "299 - \"v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\"");
    }
    String sub = info.subresource();
    if (sub != null) {
      String first = sub.split("/")[0];
      if (!type.hasSubresource(first)) {
        throw notFound();
      }
      subresource(request, type, info, verb, first);
      return;
    }
    boolean collectionWrite = info.name() == null && (verb.equals("update") || verb.equals("patch"));
    if (!type.supports(verb) || collectionWrite) {
      throw ApiException.methodNotAllowed(methodNotAllowedMessage(request, type, info));
    }
    if (EventsView.covers(type)) {
      eventsView(request, type, info, verb);
      return;
    }
    if (type.kind().equals("ComponentStatus")) {
      request.response().headers().add("Warning", ComponentStatuses.WARNING);
      if (verb.equals("get")) {
        writeObject(request, type, 200, ComponentStatuses.get(type, info.name()), List.of());
      } else {
        Registry.Page page = new Registry.Page(ComponentStatuses.all(), registry.store().revision(), null, null);
        if (shape(request, true) == Shape.TABLE) {
          writeJson(request, 200, tables.table(type, page.items(), request.getParam("includeObject", "Metadata"),
              listMetadata(page), registry.now()));
        } else {
          writeJson(request, 200, listObject(type, page));
        }
      }
      return;
    }
    switch (verb) {
      case "get" -> {
        ObjectNode object = registry.get(type, info.namespace(), info.name());
        writeObject(request, type, 200, object, List.of());
      }
      case "list" -> list(request, type, info);
      case "watch" -> watch(request, type, info);
      case "create" -> readBody(request, body -> create(request, type, info, body));
      case "update" -> readBody(request, body -> {
        ObjectNode object = decodeObject(request, body, type);
        Registry.Result result = registry.update(type, info.namespace(), info.name(), object, null,
            writeOptions(request));
        writeObject(request, type, result.code(), result.object(), result.warnings());
      });
      case "patch" -> readBody(request, body -> patch(request, type, info, body, null));
      case "delete" -> readBody(request, body -> {
        Registry.Result result = registry.delete(type, info.namespace(), info.name(),
            deleteOptions(request, type, body));
        writeObject(request, type, result.code(), result.object(), result.warnings());
      });
      case "deletecollection" -> readBody(request, body -> {
        Registry.Page page = registry.deleteCollection(type, info.namespace(),
            request.getParam("labelSelector"), request.getParam("fieldSelector"),
            deleteOptions(request, type, body));
        writeJson(request, 200, listObject(type, page));
      });
      default -> throw ApiException.methodNotAllowed(methodNotAllowedMessage(request, type, info));
    }
  }

  /** events.k8s.io/v1 Events: the core/v1 storage, converted on the way in and out. */
  private void eventsView(HttpServerRequest request, ResourceType type, RequestInfo info, String verb) {
    ResourceType core = registry.resources().find("", "v1", "events").orElseThrow();
    switch (verb) {
      case "get" -> writeObject(request, type, 200,
          EventsView.toView(registry.get(core, info.namespace(), info.name())), List.of());
      case "list" -> {
        Long limit = parseLong(request.getParam("limit"), "limit");
        Registry.Page stored = registry.list(core, info.namespace(), request.getParam("labelSelector"),
            request.getParam("fieldSelector"), limit, request.getParam("continue"));
        Registry.Page page = new Registry.Page(stored.items().stream().map(EventsView::toView).toList(),
            stored.revision(), stored.continueToken(), stored.remaining());
        if (shape(request, true) == Shape.TABLE) {
          writeJson(request, 200, tables.table(type, page.items(),
              request.getParam("includeObject", "Metadata"), listMetadata(page), registry.now()));
        } else {
          writeJson(request, 200, listObject(type, page));
        }
      }
      case "watch" -> watch(request, type, core, info, EventsView::toView);
      case "create", "update", "patch" -> readBody(request, body -> {
        ObjectNode object;
        if (verb.equals("patch")) {
          String contentType = mediaType(request.getHeader("Content-Type"));
          if (!List.of(Patches.JSON_PATCH, Patches.MERGE_PATCH, Patches.STRATEGIC_MERGE_PATCH)
              .contains(contentType)) {
            throw new ApiException(415, "UnsupportedMediaType", "the body of the request was in an"
                + " unknown format - accepted media types include: application/json-patch+json,"
                + " application/merge-patch+json, application/strategic-merge-patch+json", null);
          }
          ObjectNode current = EventsView.toView(registry.get(core, info.namespace(), info.name()));
          JsonNode patch = Patches.parse(contentType, body.getBytes());
          object = switch (contentType) {
            case Patches.JSON_PATCH -> Patches.jsonPatch(current, patch);
            case Patches.MERGE_PATCH -> Patches.mergePatch(current, patch);
            default -> Patches.strategicMerge(current, patch, registry.schema(type));
          };
        } else {
          object = decodeObject(request, body, type);
        }
        ObjectNode stored = EventsView.toCore(object);
        Registry.Result result = verb.equals("create")
            ? registry.create(core, info.namespace(), stored, writeOptions(request))
            : registry.update(core, info.namespace(), info.name(), stored, null, writeOptions(request));
        writeObject(request, type, result.code(), EventsView.toView(result.object()), result.warnings());
      });
      case "delete" -> readBody(request, body -> {
        Registry.Result result = registry.delete(core, info.namespace(), info.name(),
            deleteOptions(request, type, body));
        writeObject(request, type, result.code(), result.object(), result.warnings());
      });
      case "deletecollection" -> readBody(request, body -> {
        Registry.Page page = registry.deleteCollection(core, info.namespace(),
            request.getParam("labelSelector"), request.getParam("fieldSelector"),
            deleteOptions(request, type, body));
        writeJson(request, 200, listObject(type, new Registry.Page(
            page.items().stream().map(EventsView::toView).toList(), page.revision(), null, null)));
      });
      default -> throw ApiException.methodNotAllowed(methodNotAllowedMessage(request, type, info));
    }
  }

  private static String methodNotAllowedMessage(HttpServerRequest request, ResourceType type,
      RequestInfo info) {
    return "the server does not allow this method on the requested resource";
  }

  private void create(HttpServerRequest request, ResourceType type, RequestInfo info, Buffer body) {
    ObjectNode object = decodeObject(request, body, type);
    if (type.kind().endsWith("Review")) {
      writeJson(request, 201, Reviews.review(type, object, registry));
      return;
    }
    if (type.kind().equals("Binding")) {
      registry.bind(info.namespace(), Json.text(object, "metadata", "name"),
          Json.text(object, "target", "name"), writeOptions(request));
      ObjectNode success = Json.object().put("kind", "Status").put("apiVersion", "v1");
      success.putObject("metadata");
      writeJson(request, 201, success.put("status", "Success").put("code", 201));
      return;
    }
    Registry.Result result = registry.create(type, info.namespace(), object, writeOptions(request));
    writeObject(request, type, result.code(), result.object(), result.warnings());
  }

  private void patch(HttpServerRequest request, ResourceType type, RequestInfo info, Buffer body,
      String subresource) {
    String contentType = mediaType(request.getHeader("Content-Type"));
    JsonNode patch;
    if (contentType.equals("application/apply-patch+yaml")) {
      patch = parseYaml(body);
      if (request.getParam("fieldManager") == null) {
        throw ApiException.badRequest("PATCH " + request.path()
            + ": fieldManager is required for apply requests");
      }
    } else if (contentType.equals("application/apply-patch+cbor")) {
      throw new ApiException(415, "UnsupportedMediaType",
          "the body of the request was in an unknown format - accepted media types include: "
              + "application/json-patch+json, application/merge-patch+json, "
              + "application/apply-patch+yaml, application/strategic-merge-patch+json", null);
    } else if (List.of(Patches.JSON_PATCH, Patches.MERGE_PATCH, Patches.STRATEGIC_MERGE_PATCH)
        .contains(contentType)) {
      patch = Patches.parse(contentType, body.getBytes());
    } else {
      throw new ApiException(415, "UnsupportedMediaType",
          "the body of the request was in an unknown format - accepted media types include: "
              + "application/json-patch+json, application/merge-patch+json, "
              + "application/apply-patch+yaml, application/strategic-merge-patch+json", null);
    }
    Registry.Result result = registry.patch(type, info.namespace(), info.name(), contentType, patch,
        subresource, writeOptions(request));
    writeObject(request, type, result.code(), result.object(), result.warnings());
  }

  private void subresource(HttpServerRequest request, ResourceType type, RequestInfo info,
      String verb, String sub) {
    switch (sub) {
      case "status" -> {
        switch (verb) {
          case "get" -> writeObject(request, type, 200,
              registry.get(type, info.namespace(), info.name()), List.of());
          case "update" -> readBody(request, body -> {
            Registry.Result result = registry.update(type, info.namespace(), info.name(),
                decodeObject(request, body, type), "status", writeOptions(request));
            writeObject(request, type, result.code(), result.object(), result.warnings());
          });
          case "patch" -> readBody(request, body -> patch(request, type, info, body, "status"));
          default -> throw ApiException.methodNotAllowed(
              "the server does not allow this method on the requested resource");
        }
      }
      case "scale" -> readBody(request, body -> Scale.handle(request, verb, type, info, body, registry,
          (code, object) -> writeJson(request, code, object), this::writeOptions));
      case "log" -> podStreams.logs(request, info);
      case "exec", "attach" -> podStreams.exec(request, info, sub);
      case "portforward" -> portForward.handle(request, info);
      case "finalize" -> readBody(request, body -> {
        Registry.Result result = registry.finalizeNamespace(decodeObject(request, body, type),
            writeOptions(request));
        writeObject(request, type, result.code(), result.object(), result.warnings());
      });
      default -> throw new ApiException(405, "MethodNotAllowed",
          "the server does not allow this method on the requested resource", null);
    }
  }

  private void list(HttpServerRequest request, ResourceType type, RequestInfo info) {
    Long limit = parseLong(request.getParam("limit"), "limit");
    Registry.Page page = registry.list(type, info.namespace(), request.getParam("labelSelector"),
        request.getParam("fieldSelector"), limit, request.getParam("continue"));
    Shape shape = shape(request, true);
    if (shape == Shape.TABLE) {
      ObjectNode metadata = listMetadata(page);
      writeJson(request, 200, tables.table(type, page.items(),
          request.getParam("includeObject", "Metadata"), metadata, registry.now()));
      return;
    }
    ObjectNode list = listObject(type, page);
    if (shape == Shape.PARTIAL_METADATA) {
      list.put("kind", "PartialObjectMetadataList");
      list.put("apiVersion", "meta.k8s.io/v1");
      ArrayNode items = (ArrayNode) list.get("items");
      for (int i = 0; i < items.size(); i++) {
        items.set(i, partialMetadata(page.items().get(i)));
      }
    }
    write(request, 200, list, shape == Shape.YAML);
  }

  private static ObjectNode listMetadata(Registry.Page page) {
    ObjectNode metadata = Json.object();
    metadata.put("resourceVersion", Long.toString(page.revision()));
    if (page.continueToken() != null) {
      metadata.put("continue", page.continueToken());
    }
    if (page.remaining() != null) {
      metadata.put("remainingItemCount", page.remaining());
    }
    return metadata;
  }

  /** A list as the real server writes it: items without their own kind and apiVersion. */
  static ObjectNode listObject(ResourceType type, Registry.Page page) {
    ObjectNode list = Json.object();
    list.put("kind", type.listKind());
    list.put("apiVersion", type.groupVersion());
    list.set("metadata", listMetadata(page));
    ArrayNode items = list.putArray("items");
    for (ObjectNode item : page.items()) {
      ObjectNode copy = item.deepCopy();
      copy.remove("kind");
      copy.remove("apiVersion");
      items.add(copy);
    }
    return list;
  }

  private static ObjectNode partialMetadata(ObjectNode object) {
    ObjectNode partial = Json.object();
    partial.put("kind", "PartialObjectMetadata");
    partial.put("apiVersion", "meta.k8s.io/v1");
    partial.set("metadata", object.get("metadata"));
    return partial;
  }

  private void watch(HttpServerRequest request, ResourceType type, RequestInfo info) {
    watch(request, type, type, info, Function.identity());
  }

  /**
   * A watch on {@code storage}'s changes, shown as {@code type}: the same type, or a view of
   * another one's storage (events.k8s.io Events), converted by {@code view}.
   */
  private void watch(HttpServerRequest request, ResourceType type, ResourceType storage,
      RequestInfo info, Function<ObjectNode, ObjectNode> view) {
    Predicate<ObjectNode> labels = Selectors.labels(request.getParam("labelSelector"));
    Predicate<ObjectNode> fields = Selectors.fields(request.getParam("fieldSelector"), storage);
    String name = info.name();
    Predicate<ObjectNode> filter = o -> labels.test(o) && fields.test(o)
        && (name == null || name.equals(Json.text(o, "metadata", "name")));
    Shape shape = shape(request, true);
    String includeObject = request.getParam("includeObject", "Metadata");
    boolean[] firstTable = {true};
    Function<ObjectNode, ObjectNode> shaped = switch (shape) {
      case TABLE -> (object -> {
        if (object.path("kind").asText().equals("Status") || isBookmark(object)) {
          return object;
        }
        ObjectNode table = tables.table(type, List.of(object), includeObject, null, registry.now());
        synchronized (firstTable) {
          if (!firstTable[0]) {
            // Only the first event of a table watch carries the column definitions.
            table.putNull("columnDefinitions");
          }
          firstTable[0] = false;
        }
        return table;
      });
      case PARTIAL_METADATA -> (object -> isBookmark(object) ? object : partialMetadata(object));
      default -> (object -> object);
    };
    Function<ObjectNode, ObjectNode> encoder = object ->
        object.path("kind").asText().equals("Status") || isBookmark(object)
            ? object : shaped.apply(view.apply(object));
    HttpServerResponse response = request.response();
    response.setStatusCode(200);
    response.putHeader("Content-Type", JSON);
    response.setChunked(true);
    boolean asStored = storage == type && (shape == Shape.OBJECT || shape == Shape.YAML);
    WatchStream stream = new WatchStream(response, storage, type, info.namespace(), filter, encoder, asStored);
    String resourceVersion = request.getParam("resourceVersion");
    boolean initialEvents = isTrue(request.getParam("sendInitialEvents"));
    boolean bookmarks = isTrue(request.getParam("allowWatchBookmarks"));
    // Requests run on their connection's event loop; so do the watches it carries.
    WatchDispatcher dispatcher = dispatchers.computeIfAbsent(Thread.currentThread(),
        loop -> new WatchDispatcher(vertx.getOrCreateContext(), registry.store()));
    if (resourceVersion == null || resourceVersion.isEmpty() || resourceVersion.equals("0") || initialEvents) {
      dispatcher.watchWithState(stream, initialEvents && bookmarks);
    } else {
      long from = parseLong(resourceVersion, "resourceVersion");
      try {
        dispatcher.watchFrom(stream, from);
      } catch (ObjectStore.ExpiredException e) {
        // The real server answers 200 and sends the expiry as the stream's only event.
        ApiException gone = new ApiException(410, "Expired", e.getMessage(), null);
        response.writeHead();
        stream.send("ERROR", gone.status());
        stream.close();
        return;
      }
    }
    response.writeHead();
    long timeoutSeconds = request.getParam("timeoutSeconds") != null
        ? parseLong(request.getParam("timeoutSeconds"), "timeoutSeconds")
        : 1800 + ThreadLocalRandom.current().nextLong(1800);
    long timer = vertx.setTimer(Math.max(1, timeoutSeconds) * 1000, t -> stream.close());
    long bookmarkTimer = bookmarks
        ? vertx.setPeriodic(BOOKMARK_INTERVAL_MS, t -> dispatcher.bookmark(stream))
        : -1;
    Runnable cleanup = () -> {
      vertx.cancelTimer(timer);
      if (bookmarkTimer >= 0) {
        vertx.cancelTimer(bookmarkTimer);
      }
      stream.clientGone();
    };
    response.closeHandler(v -> cleanup.run());
    response.endHandler(v -> cleanup.run());
  }

  /** How often an idle watch with allowWatchBookmarks hears the current revision. */
  private static final long BOOKMARK_INTERVAL_MS = 60_000;

  private static boolean isBookmark(ObjectNode object) {
    JsonNode metadata = object.get("metadata");
    return metadata != null && metadata.size() <= 2 && !metadata.has("name");
  }

  // ---- request bodies ------------------------------------------------------------------------

  /** Reads the whole body, failing with 413 as soon as it passes the limit. */
  private void readBody(HttpServerRequest request, java.util.function.Consumer<Buffer> then) {
    Buffer body = Buffer.buffer();
    boolean[] failed = {false};
    request.handler(chunk -> {
      if (failed[0]) {
        return;
      }
      if (body.length() + chunk.length() > MAX_BODY_BYTES) {
        failed[0] = true;
        fail(request, tooLarge());
        return;
      }
      body.appendBuffer(chunk);
    });
    request.endHandler(v -> {
      if (failed[0]) {
        return;
      }
      try {
        then.accept(body);
      } catch (ApiException e) {
        fail(request, e);
      } catch (RuntimeException e) {
        logger.warn("{} {} failed inside the sandbox", request.method(), request.uri(), e);
        fail(request, new ApiException(500, "InternalError",
            "Internal error occurred: " + e.getMessage(), null));
      }
    });
    request.exceptionHandler(e -> logger.debug("request body of {} failed", request.uri(), e));
  }

  private ObjectNode decodeObject(HttpServerRequest request, Buffer body, ResourceType type) {
    String contentType = mediaType(request.getHeader("Content-Type"));
    if (body.length() == 0) {
      throw ApiException.badRequest("the body of the request was empty");
    }
    JsonNode node = switch (contentType) {
      case "application/vnd.kubernetes.protobuf" ->
          ProtobufBodies.decode(body.getBytes(), type.groupVersion(), type.kind());
      case YAML, "application/x-yaml", "text/yaml" -> parseYaml(body);
      case JSON, "", "*/*" -> parseJson(body, "the object provided is unrecognized (must be of type "
          + type.kind() + "): couldn't get version/kind; json parse error: ", " (" + abbreviate(body) + ")");
      default -> throw new ApiException(415, "UnsupportedMediaType",
          "the body of the request was in an unknown format - accepted media types include: "
              + "application/json, application/yaml, application/vnd.kubernetes.protobuf", null);
    };
    if (!(node instanceof ObjectNode object)) {
      throw ApiException.badRequest("couldn't get version/kind; json parse error: json: cannot "
          + "unmarshal " + jsonTypeName(node) + " into Go value of type struct { APIVersion string "
          + "\"json:\\\"apiVersion,omitempty\\\"\"; Kind string \"json:\\\"kind,omitempty\\\"\" }");
    }
    return object;
  }

  private static String jsonTypeName(JsonNode node) {
    return node.isArray() ? "array" : node.isTextual() ? "string" : node.isNumber() ? "number"
        : node.isBoolean() ? "bool" : "value";
  }

  private static JsonNode parseJson(Buffer body, String prefix) {
    return parseJson(body, prefix, "");
  }

  private static JsonNode parseJson(Buffer body, String prefix, String suffix) {
    try {
      return Json.MAPPER.readTree(body.getBytes());
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest(prefix + goJsonError(e, body) + suffix);
    } catch (java.io.IOException e) {
      throw ApiException.badRequest(prefix + e.getMessage() + suffix);
    }
  }

  /** The start of a body, as the decoder quotes it in its errors (at most 50 characters). */
  private static String abbreviate(Buffer body) {
    String text = body.toString(java.nio.charset.StandardCharsets.UTF_8);
    return text.length() <= 50 ? text : text.substring(0, 50) + "...";
  }

  /** Go's encoding/json wording for the common syntax errors, which kubectl users know. */
  private static String goJsonError(JsonProcessingException e, Buffer body) {
    String message = e.getOriginalMessage();
    if (message.contains("end-of-input") || message.contains("Unexpected end")) {
      return "unexpected end of JSON input";
    }
    long offset = e.getLocation() == null ? -1 : e.getLocation().getCharOffset();
    if (offset >= 0 && offset < body.length()) {
      char c = (char) body.getByte((int) offset);
      return "invalid character '" + c + "' looking for beginning of value";
    }
    return message;
  }

  private static JsonNode parseYaml(Buffer body) {
    try {
      JsonNode node = Json.YAML.readTree(body.getBytes());
      return node == null ? Json.object() : Json.MAPPER.valueToTree(node);
    } catch (java.io.IOException e) {
      throw ApiException.badRequest("error converting YAML to JSON: yaml: " + e.getMessage());
    }
  }

  private static String mediaType(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
  }

  private Registry.WriteOptions writeOptions(HttpServerRequest request) {
    MultiMap params = request.params();
    List<String> dryRun = params.getAll("dryRun");
    for (String value : dryRun) {
      if (!value.equals("All")) {
        throw ApiException.badRequest("Invalid dry run value: " + value
            + " (valid values: [All])");
      }
    }
    String validation = params.get("fieldValidation");
    if (validation != null && !List.of("Ignore", "Warn", "Strict").contains(validation)) {
      throw ApiException.badRequest("fieldValidation must be one of \"Ignore\", \"Warn\", or \"Strict\"");
    }
    String manager = params.get("fieldManager");
    if (manager == null || manager.isEmpty()) {
      manager = managerFromUserAgent(request.getHeader("User-Agent"));
    }
    boolean force = isTrue(params.get("force"));
    return new Registry.WriteOptions(manager, !dryRun.isEmpty(), validation, force);
  }

  /** The real server names an unnamed manager after the client's user agent, up to the first '/'. */
  private static String managerFromUserAgent(String userAgent) {
    if (userAgent == null || userAgent.isEmpty()) {
      return "unknown";
    }
    int slash = userAgent.indexOf('/');
    return slash < 0 ? userAgent : userAgent.substring(0, slash);
  }

  private Registry.DeleteOptions deleteOptions(HttpServerRequest request, ResourceType type,
      Buffer body) {
    MultiMap params = request.params();
    String policy = params.get("propagationPolicy");
    Long grace = parseLong(params.get("gracePeriodSeconds"), "gracePeriodSeconds");
    String uid = null;
    String resourceVersion = null;
    Boolean orphan = params.get("orphanDependents") == null ? null
        : Boolean.parseBoolean(params.get("orphanDependents"));
    boolean dryRun = !params.getAll("dryRun").isEmpty();
    if (body.length() > 0) {
      // client-go sends DeleteOptions as protobuf when its client speaks protobuf (helm does).
      JsonNode options = mediaType(request.getHeader("Content-Type"))
          .equals("application/vnd.kubernetes.protobuf")
          ? ProtobufBodies.decode(body.getBytes(), type.groupVersion(), "DeleteOptions")
          : parseJson(body, "couldn't get version/kind; json parse error: ");
      if (options.has("propagationPolicy")) {
        policy = options.get("propagationPolicy").asText();
      }
      if (options.has("gracePeriodSeconds")) {
        grace = options.get("gracePeriodSeconds").asLong();
      }
      if (options.has("orphanDependents")) {
        orphan = options.get("orphanDependents").asBoolean();
      }
      if (options.has("dryRun") && !options.get("dryRun").isEmpty()) {
        dryRun = true;
      }
      uid = Json.text(options, "preconditions", "uid");
      resourceVersion = Json.text(options, "preconditions", "resourceVersion");
    }
    if (policy != null && !List.of("Orphan", "Background", "Foreground").contains(policy)) {
      throw ApiException.invalid(new ResourceType("", "v1", "deleteoptions", "", "DeleteOptions",
          false, List.of(), List.of(), List.of(), List.of()), "", List.of(Validation.notSupported(
              "propagationPolicy", policy, List.of("Foreground", "Background", "Orphan"))));
    }
    return new Registry.DeleteOptions(policy, grace, uid, resourceVersion, dryRun, orphan);
  }

  /** An integer query parameter, or null when absent; 400 when it is not a number. */
  static Long parseLong(String value, String name) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("invalid " + name + ": " + value);
    }
  }

  // ---- responses -----------------------------------------------------------------------------

  private Shape shape(HttpServerRequest request, boolean tablesAllowed) {
    String accept = request.getHeader("Accept");
    if (accept == null || accept.isBlank()) {
      return Shape.OBJECT;
    }
    for (String option : accept.split(",")) {
      String media = option.trim();
      String type = mediaType(media);
      boolean json = type.equals(JSON);
      if (json && tablesAllowed && media.contains("as=Table") && media.contains("g=meta.k8s.io")) {
        return Shape.TABLE;
      }
      if (json && media.contains("as=PartialObjectMetadata") && media.contains("g=meta.k8s.io")) {
        return Shape.PARTIAL_METADATA;
      }
      if (json && !media.contains("as=")) {
        return Shape.OBJECT;
      }
      if (type.equals(YAML)) {
        return Shape.YAML;
      }
      if (type.equals("*/*") || type.equals("application/*")) {
        return Shape.OBJECT;
      }
    }
    if (accept.contains("application/vnd.kubernetes.protobuf")) {
      // We do not speak protobuf in responses; JSON is what such clients also accept.
      return Shape.OBJECT;
    }
    throw new ApiException(406, "NotAcceptable", "only the following media types are accepted: "
        + "application/json, application/yaml, application/vnd.kubernetes.protobuf, application/cbor",
        null);
  }

  private void writeObject(HttpServerRequest request, ResourceType type, int code, ObjectNode object,
      List<String> warnings) {
    for (String warning : warnings) {
      request.response().headers().add("Warning", "299 - \"" + warning.replace("\"", "\\\"") + "\"");
    }
    Shape shape = shape(request, true);
    if (shape == Shape.TABLE && !object.path("kind").asText().equals("Status")) {
      writeJson(request, code, tables.table(type, List.of(object),
          request.getParam("includeObject", "Metadata"), null, registry.now()));
      return;
    }
    if (shape == Shape.PARTIAL_METADATA) {
      writeJson(request, code, partialMetadata(object));
      return;
    }
    write(request, code, object, shape == Shape.YAML);
  }

  private void write(HttpServerRequest request, int code, ObjectNode object, boolean yaml) {
    if (yaml) {
      try {
        request.response().putHeader("Content-Type", YAML);
        request.response().setStatusCode(code).end(Json.YAML.writeValueAsString(object));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
      return;
    }
    writeJson(request, code, object);
  }

  private static void writeJson(HttpServerRequest request, int code, JsonNode body) {
    HttpServerResponse response = request.response();
    if (response.ended() || response.closed()) {
      return;
    }
    byte[] bytes = Json.bytes(body);
    response.putHeader("Content-Type", JSON);
    response.setStatusCode(code);
    // Go's json.Encoder ends every document with a newline; so does the real server.
    response.end(Buffer.buffer(bytes.length + 1).appendBytes(bytes).appendByte((byte) '\n'));
  }

  private static void writeText(HttpServerRequest request, int code, String text) {
    HttpServerResponse response = request.response();
    response.putHeader("Content-Type", "text/plain; charset=utf-8");
    response.putHeader("X-Content-Type-Options", "nosniff");
    response.setStatusCode(code).end(text);
  }

  private static void fail(HttpServerRequest request, ApiException e) {
    HttpServerResponse response = request.response();
    if (response.headWritten()) {
      response.reset();
      return;
    }
    writeJson(request, e.code, e.status());
  }

  private static boolean constantTimeEquals(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  private static String sha512Hex(byte[] body) {
    try {
      return java.util.HexFormat.of().withUpperCase().formatHex(
          MessageDigest.getInstance("SHA-512").digest(body));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * What a kube-apiserver built from the k8s.io/kubernetes module reports (the testbed's does the
   * same): the module proxy does not say which commit a release is, and the date is the
   * release's publication time on the proxy.
   */
  static final String GIT_COMMIT = "unknown";
  static final String BUILD_DATE = "2026-02-10T12:53:36Z";
  private static final String FLOW_SCHEMA_UID = UUID.nameUUIDFromBytes(
      "exempt".getBytes(StandardCharsets.UTF_8)).toString();
  private static final String PRIORITY_LEVEL_UID = UUID.nameUUIDFromBytes(
      "exempt-level".getBytes(StandardCharsets.UTF_8)).toString();
}
