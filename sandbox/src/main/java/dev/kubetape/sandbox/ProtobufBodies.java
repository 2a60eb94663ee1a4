package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** PLACEHOLDER until the protobuf work lands. */
final class ProtobufBodies {
  private ProtobufBodies() {}

  static ObjectNode decode(byte[] body) {
    throw new ApiException(415, "UnsupportedMediaType", "protobuf not yet supported", null);
  }
}
