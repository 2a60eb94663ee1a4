package dev.kubetape.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MergePatchTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text.replace('\'', '"'));
  }

  @Test
  @DisplayName("a patch turns one version into the next: changed, added and removed fields")
  void roundTrip() throws Exception {
    JsonNode from = json("{'metadata':{'resourceVersion':'1','labels':{'a':'1','b':'2'}},"
        + "'status':{'phase':'Pending','restartCount':0}}");
    JsonNode to = json("{'metadata':{'resourceVersion':'2','labels':{'a':'1'}},"
        + "'status':{'phase':'Running','restartCount':0,'podIP':'10.0.0.1'}}");
    JsonNode patch = MergePatch.diff(from, to);
    assertEquals(json("{'metadata':{'resourceVersion':'2','labels':{'b':null}},"
        + "'status':{'phase':'Running','podIP':'10.0.0.1'}}"), patch);
    assertEquals(to, MergePatch.apply(from, patch));
  }

  @Test
  @DisplayName("nulls inside a version survive, though a merge patch reads null as removal")
  void nullsSurvive() throws Exception {
    JsonNode from = json("{'status':{'conditions':[{'type':'Ready','status':'False','lastProbeTime':null}]}}");
    JsonNode to = json("{'status':{'conditions':[{'type':'Ready','status':'True','lastProbeTime':null}],"
        + "'eventTime':null}}");
    JsonNode patch = MergePatch.diff(from, to);
    JsonNode rebuilt = MergePatch.apply(from, patch);
    assertEquals(to, rebuilt);
    assertTrue(rebuilt.at("/status/conditions/0").has("lastProbeTime"));
    assertTrue(from.at("/status/conditions/0/lastProbeTime").isNull(), "the input is not changed");
  }
}
