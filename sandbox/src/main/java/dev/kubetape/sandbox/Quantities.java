package dev.kubetape.sandbox;

import java.math.BigDecimal;

/**
 * Kubernetes resource quantities ("500m", "1Gi", "2", "1e3") as exact decimals, for comparing
 * requests with limits and with what a node can allocate.
 */
final class Quantities {
  private Quantities() {}

  static BigDecimal parse(String text) {
    String value = text.trim();
    if (value.isEmpty()) {
      throw new NumberFormatException("an empty quantity");
    }
    String[][] binary = {{"Ki", "1024"}, {"Mi", "1048576"}, {"Gi", "1073741824"},
        {"Ti", "1099511627776"}, {"Pi", "1125899906842624"}, {"Ei", "1152921504606846976"}};
    for (String[] suffix : binary) {
      if (value.endsWith(suffix[0])) {
        return new BigDecimal(value.substring(0, value.length() - 2)).multiply(new BigDecimal(suffix[1]));
      }
    }
    String[][] decimal = {{"n", "-9"}, {"u", "-6"}, {"m", "-3"}, {"k", "3"}, {"M", "6"},
        {"G", "9"}, {"T", "12"}, {"P", "15"}, {"E", "18"}};
    for (String[] suffix : decimal) {
      if (value.endsWith(suffix[0])) {
        return new BigDecimal(value.substring(0, value.length() - 1))
            .scaleByPowerOfTen(Integer.parseInt(suffix[1]));
      }
    }
    return new BigDecimal(value);
  }

  static boolean isValid(String text) {
    try {
      parse(text);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  static int compare(String left, String right) {
    return parse(left).compareTo(parse(right));
  }
}
