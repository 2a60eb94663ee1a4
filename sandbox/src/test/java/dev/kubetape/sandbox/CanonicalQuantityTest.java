package dev.kubetape.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CanonicalQuantityTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      // What a real v1.34 kube-apiserver stored for these inputs.
      "0.5, 500m",
      "1000, 1k",
      "1000000000, 1G",
      "1.5Gi, 1536Mi",
      "0.5Gi, 512Mi",
      "128974848, 128974848",
      "1500m, 1500m",
      "250m, 250m",
      "2, 2",
      "1m, 1m",
      "1Mi, 1Mi",
      "0, 0",
      // apimachinery's own examples.
      "1e3, 1e3",
      "100Ki, 100Ki",
      "1024, 1024",
      "1.5, 1500m",
      "0.0001, 100u",
      "12e6, 12e6",
      "1100M, 1100M",
      "512, 512",
      "1025Ki, 1025Ki",
  })
  @DisplayName("quantities take the canonical form kube-apiserver writes back")
  void canonicalForm(String input, String canonical) {
    assertEquals(canonical, CanonicalQuantity.parse(input).toString());
  }

  @Test
  @DisplayName("adding keeps the first non-zero quantity's format, as Go's Quantity.Add does")
  void addition() {
    CanonicalQuantity memory = CanonicalQuantity.ZERO.plus(CanonicalQuantity.parse("256Mi"))
        .plus(CanonicalQuantity.parse("256Mi"));
    assertEquals("512Mi", memory.toString());
    assertEquals("200m", CanonicalQuantity.parse("100m").plus(CanonicalQuantity.parse("0.1")).toString());
  }

  @Test
  @DisplayName("the parser's cached string is kept only for text it considers canonical")
  void goFields() {
    assertEquals(new CanonicalQuantity.GoFields(100, -3, "100m", CanonicalQuantity.Format.DecimalSI),
        CanonicalQuantity.parse("100m").goFields());
    assertEquals(new CanonicalQuantity.GoFields(134217728, 0, "", CanonicalQuantity.Format.BinarySI),
        CanonicalQuantity.parse("128Mi").goFields());
    assertEquals(new CanonicalQuantity.GoFields(1073741824, 0, "1Gi", CanonicalQuantity.Format.BinarySI),
        CanonicalQuantity.parse("1Gi").goFields());
  }

  @Test
  @DisplayName("text that is no quantity is rejected")
  void invalid() {
    assertThrows(NumberFormatException.class, () -> CanonicalQuantity.parse("ten"));
    assertThrows(NumberFormatException.class, () -> CanonicalQuantity.parse("1Xi"));
  }
}
