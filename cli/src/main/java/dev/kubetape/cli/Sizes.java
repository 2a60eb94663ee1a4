package dev.kubetape.cli;

/** Sizes on the command line: 500MiB, 10GiB, 1TiB (also MB, GB, TB in powers of ten, or bytes). */
final class Sizes {
  private Sizes() {}

  static long parse(String text, String flag) {
    var matcher = java.util.regex.Pattern.compile("(\\d+)\\s*(|B|KiB|MiB|GiB|TiB|kB|KB|MB|GB|TB)")
        .matcher(text.trim());
    if (!matcher.matches()) {
      throw new IllegalArgumentException(flag + " must be a size such as 500MiB or 10GiB, not '" + text + "'");
    }
    long unit = switch (matcher.group(2)) {
      case "KiB" -> 1L << 10;
      case "MiB" -> 1L << 20;
      case "GiB" -> 1L << 30;
      case "TiB" -> 1L << 40;
      case "kB", "KB" -> 1_000L;
      case "MB" -> 1_000_000L;
      case "GB" -> 1_000_000_000L;
      case "TB" -> 1_000_000_000_000L;
      default -> 1L;
    };
    long amount = Long.parseLong(matcher.group(1));
    if (amount > Long.MAX_VALUE / unit) {
      throw new IllegalArgumentException(flag + " is too large: '" + text + "'");
    }
    return amount * unit;
  }
}
