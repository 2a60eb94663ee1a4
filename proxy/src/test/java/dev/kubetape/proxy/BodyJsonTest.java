package dev.kubetape.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.protobuf.ByteString;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.Resource;
import io.kubernetes.client.proto.Runtime;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BodyJsonTest {
  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] protobuf(String apiVersion, String kind, com.google.protobuf.Message object) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[] {0x6b, 0x38, 0x73, 0x00});
    Runtime.Unknown.newBuilder()
        .setTypeMeta(Runtime.TypeMeta.newBuilder().setApiVersion(apiVersion).setKind(kind))
        .setRaw(object.toByteString())
        .build().writeTo(out);
    return out.toByteArray();
  }

  @Test
  @DisplayName("JSON and the patch types come out as compact JSON; YAML (apply-patch+yaml) is turned into JSON")
  void jsonAndYaml() {
    assertEquals("{\"data\":{\"a\":\"1\"}}", BodyJson.decode(utf8("{ \"data\": {\"a\": \"1\"} }"), "application/json", null));
    assertEquals("[{\"op\":\"remove\",\"path\":\"/x\"}]",
        BodyJson.decode(utf8("[{\"op\":\"remove\",\"path\":\"/x\"}]"), "application/json-patch+json", null));
    assertEquals("{\"kind\":\"ConfigMap\",\"data\":{\"a\":\"1\"}}",
        BodyJson.decode(utf8("kind: ConfigMap\ndata:\n  a: \"1\"\n"), "application/apply-patch+yaml", null));
  }

  @Test
  @DisplayName("a gzip-compressed response is inflated first; unreadable bodies give null")
  void gzipAndGarbage() throws IOException {
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(compressed)) {
      gzip.write(utf8("{\"kind\":\"Status\"}"));
    }
    assertEquals("{\"kind\":\"Status\"}", BodyJson.decode(compressed.toByteArray(), "application/json", "gzip"));
    assertNull(BodyJson.decode(utf8("{not json"), "application/json", null));
    assertNull(BodyJson.decode(new byte[0], "application/json", null));
    assertNull(BodyJson.decode(utf8("x"), "application/octet-stream", null));
  }

  @Test
  @DisplayName("a protobuf ConfigMap (kubectl create) becomes its JSON, apiVersion and kind first, data as strings")
  void protobufConfigMap() throws IOException {
    V1.ConfigMap configMap = V1.ConfigMap.newBuilder()
        .setMetadata(Meta.ObjectMeta.newBuilder().setName("settings").setNamespace("shop")
            .setCreationTimestamp(Meta.Time.newBuilder().setSeconds(1764115200)))
        .putData("color", "blue")
        .putBinaryData("blob", ByteString.copyFromUtf8("hi"))
        .build();
    assertEquals("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"settings\",\"namespace\":\"shop\","
            + "\"creationTimestamp\":\"2025-11-26T00:00:00Z\"},\"data\":{\"color\":\"blue\"},\"binaryData\":{\"blob\":\"aGk=\"}}",
        BodyJson.decode(protobuf("v1", "ConfigMap", configMap), "application/vnd.kubernetes.protobuf", null));
  }

  @Test
  @DisplayName("a protobuf Deployment keeps replicas 0, and quantities and int-or-strings take their JSON forms")
  void protobufDeployment() throws IOException {
    V1.Container container = V1.Container.newBuilder().setName("web").setImage("registry.example/shop/web:1.4.1")
        .setResources(V1.ResourceRequirements.newBuilder()
            .putLimits("memory", Resource.Quantity.newBuilder().setString("128Mi").build()))
        .build();
    V1Apps.Deployment deployment = V1Apps.Deployment.newBuilder()
        .setMetadata(Meta.ObjectMeta.newBuilder().setName("web"))
        .setSpec(V1Apps.DeploymentSpec.newBuilder().setReplicas(0)
            .setStrategy(V1Apps.DeploymentStrategy.newBuilder().setType("RollingUpdate")
                .setRollingUpdate(V1Apps.RollingUpdateDeployment.newBuilder()
                    .setMaxSurge(io.kubernetes.client.proto.IntStr.IntOrString.newBuilder().setType(1).setStrVal("25%"))
                    .setMaxUnavailable(io.kubernetes.client.proto.IntStr.IntOrString.newBuilder().setType(0).setIntVal(1))))
            .setTemplate(V1.PodTemplateSpec.newBuilder().setSpec(V1.PodSpec.newBuilder().addContainers(container))))
        .build();
    assertEquals("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\"},\"spec\":{\"replicas\":0,"
            + "\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"registry.example/shop/web:1.4.1\","
            + "\"resources\":{\"limits\":{\"memory\":\"128Mi\"}}}]}},\"strategy\":{\"type\":\"RollingUpdate\","
            + "\"rollingUpdate\":{\"maxUnavailable\":1,\"maxSurge\":\"25%\"}}}}",
        BodyJson.decode(protobuf("apps/v1", "Deployment", deployment), "application/vnd.kubernetes.protobuf", null));
  }

  @Test
  @DisplayName("protobuf Status and DeleteOptions, sent as v1, come from meta/v1")
  void protobufMeta() throws IOException {
    Meta.Status status = Meta.Status.newBuilder().setStatus("Success").setCode(200).build();
    assertEquals("{\"apiVersion\":\"v1\",\"kind\":\"Status\",\"status\":\"Success\",\"code\":200}",
        BodyJson.decode(protobuf("v1", "Status", status), "application/vnd.kubernetes.protobuf", null));
    Meta.DeleteOptions options = Meta.DeleteOptions.newBuilder().setPropagationPolicy("Background").build();
    assertEquals("{\"apiVersion\":\"meta.k8s.io/v1\",\"kind\":\"DeleteOptions\",\"propagationPolicy\":\"Background\"}",
        BodyJson.decode(protobuf("meta.k8s.io/v1", "DeleteOptions", options), "application/vnd.kubernetes.protobuf", null));
  }
}
