package dev.kubetape.cli;

import java.time.Duration;

/** Go-style durations on the command line: 90s, 10m, 1h, 1h30m, 500ms. */
final class Durations {
  private Durations() {}

  static Duration parse(String text, String flag) {
    String rest = text.trim();
    if (!rest.matches("(\\d+(ms|s|m|h|d))+")) {
      throw new IllegalArgumentException(flag + " must be a duration such as 90s, 10m or 1h, not '"
          + text + "'");
    }
    Duration total = Duration.ZERO;
    var matcher = java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h|d)").matcher(rest);
    while (matcher.find()) {
      long amount = Long.parseLong(matcher.group(1));
      total = total.plus(switch (matcher.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofDays(amount);
      });
    }
    return total;
  }
}
