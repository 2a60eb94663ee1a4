package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;

/**
 * The {@code pod-template-hash} a Deployment gives each of its ReplicaSets, computed exactly as
 * kube-controller-manager computes it, so that the sandbox names ReplicaSets and pods the way a
 * real cluster does for the same manifest: FNV-32a over the template's Go dump
 * ({@link PodTemplateDump}), then the collision count as eight little-endian bytes if the
 * Deployment has one, then the decimal digits of the sum mapped onto a vowel-free alphabet.
 */
final class PodTemplateHash {
  /** apimachinery's rand alphabet: no vowels, no 0/1/3, so no words and no look-alikes. */
  private static final String ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";
  private static final int FNV_OFFSET = 0x811c9dc5;
  private static final int FNV_PRIME = 0x01000193;

  private PodTemplateHash() {}

  /** The hash of {@code template} (a Deployment's spec.template), e.g. "84cb6b6bdb". */
  static String of(JsonNode template, Integer collisionCount) {
    int hash = FNV_OFFSET;
    for (byte b : PodTemplateDump.of(template).getBytes(StandardCharsets.UTF_8)) {
      hash = (hash ^ (b & 0xff)) * FNV_PRIME;
    }
    if (collisionCount != null) {
      int count = collisionCount;
      for (int i = 0; i < 8; i++) {
        int b = i < 4 ? (count >>> (8 * i)) & 0xff : 0;
        hash = (hash ^ b) * FNV_PRIME;
      }
    }
    return safeEncode(Integer.toUnsignedString(hash));
  }

  private static String safeEncode(String digits) {
    StringBuilder encoded = new StringBuilder(digits.length());
    for (int i = 0; i < digits.length(); i++) {
      encoded.append(ALPHANUMS.charAt(digits.charAt(i) % ALPHANUMS.length()));
    }
    return encoded.toString();
  }
}
