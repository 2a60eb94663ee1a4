package dev.kubetape.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SizesTest {
  @Test
  @DisplayName("sizes read in binary and decimal units, or plain bytes")
  void units() {
    assertEquals(64L << 20, Sizes.parse("64MiB", "--retain-size"));
    assertEquals(20L << 30, Sizes.parse("20GiB", "--retain-size"));
    assertEquals(5_000_000_000L, Sizes.parse("5GB", "--retain-size"));
    assertEquals(1234, Sizes.parse("1234", "--retain-size"));
  }

  @Test
  @DisplayName("anything else is refused with the flag's name and an example")
  void refused() {
    IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class, () -> Sizes.parse("lots", "--retain-size"));
    assertEquals("--retain-size must be a size such as 500MiB or 10GiB, not 'lots'", wrong.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Sizes.parse("99999999999TiB", "--retain-size"));
  }
}
