package dev.kubetape.sandbox;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A resource quantity as apimachinery's {@code resource.Quantity} holds it: an exact value and
 * the format its suffix chose (DecimalSI, BinarySI or DecimalExponent). {@link #toString()} is
 * the canonical form kube-apiserver writes back ("0.5" becomes "500m", "1.5Gi" becomes
 * "1536Mi", "1000" becomes "1k"), which is also what controllers read after a round trip
 * through storage, and what ResourceQuota status shows.
 */
record CanonicalQuantity(BigDecimal value, Format format) implements Comparable<CanonicalQuantity> {

  /** The quantity formats of apimachinery, named as Go prints them. */
  enum Format { DecimalSI, BinarySI, DecimalExponent }

  static final CanonicalQuantity ZERO = new CanonicalQuantity(BigDecimal.ZERO, Format.DecimalSI);

  private static final Pattern SYNTAX =
      Pattern.compile("([+-]?)(\\d*)(?:\\.(\\d*))?((?:[KMGTPE]i)|[numkMGTPE]|[eE][+-]?\\d+)?");
  private static final String[] BINARY = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
  private static final BigInteger KIBI = BigInteger.valueOf(1024);
  /** The largest BinarySI amount Go keeps (2^63 - 1); bigger ones are capped, as there. */
  private static final BigDecimal MAX_BINARY = new BigDecimal(Long.MAX_VALUE);

  /** Parses a quantity as ParseQuantity does, including its round-up to nano units. */
  static CanonicalQuantity parse(String text) {
    Matcher m = SYNTAX.matcher(text.trim());
    if (!m.matches() || (m.group(2).isEmpty() && (m.group(3) == null || m.group(3).isEmpty()))) {
      throw new NumberFormatException("quantities must match the regular expression "
          + "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
    }
    String digits = m.group(2) + (m.group(3) == null ? "" : "." + m.group(3));
    BigDecimal number = new BigDecimal(digits.startsWith(".") ? "0" + digits : digits);
    String suffix = m.group(4) == null ? "" : m.group(4);
    Format format;
    BigDecimal value;
    if (suffix.endsWith("i")) {
      format = Format.BinarySI;
      int power = indexOf(BINARY, suffix);
      value = number.multiply(new BigDecimal(KIBI.pow(power)));
    } else if (suffix.startsWith("e") || suffix.startsWith("E")) {
      format = Format.DecimalExponent;
      value = number.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1)));
    } else {
      format = Format.DecimalSI;
      value = number.scaleByPowerOfTen(decimalExponent(suffix));
    }
    // Below a nano unit the real parser rounds up: asking for some resource gets some.
    if (value.scale() > 9) {
      value = value.setScale(9, RoundingMode.UP);
    }
    if (format == Format.BinarySI && value.compareTo(MAX_BINARY) > 0) {
      value = MAX_BINARY;
    }
    if ("-".equals(m.group(1))) {
      value = value.negate();
    }
    return new CanonicalQuantity(value.stripTrailingZeros(), format);
  }

  private static int indexOf(String[] suffixes, String suffix) {
    for (int i = 0; i < suffixes.length; i++) {
      if (suffixes[i].equals(suffix)) {
        return i;
      }
    }
    throw new NumberFormatException("unable to parse quantity's suffix");
  }

  private static int decimalExponent(String suffix) {
    return switch (suffix) {
      case "n" -> -9;
      case "u" -> -6;
      case "m" -> -3;
      case "" -> 0;
      case "k" -> 3;
      case "M" -> 6;
      case "G" -> 9;
      case "T" -> 12;
      case "P" -> 15;
      case "E" -> 18;
      default -> throw new NumberFormatException("unable to parse quantity's suffix");
    };
  }

  private static String decimalSuffix(int exponent) {
    return switch (exponent) {
      case -9 -> "n";
      case -6 -> "u";
      case -3 -> "m";
      case 0 -> "";
      case 3 -> "k";
      case 6 -> "M";
      case 9 -> "G";
      case 12 -> "T";
      case 15 -> "P";
      case 18 -> "E";
      default -> null;
    };
  }

  CanonicalQuantity plus(CanonicalQuantity other) {
    // Go keeps the left-hand format when adding, unless the left one is zero.
    Format kept = value.signum() == 0 ? other.format : format;
    return new CanonicalQuantity(value.add(other.value).stripTrailingZeros(), kept);
  }

  boolean isZero() {
    return value.signum() == 0;
  }

  @Override
  public int compareTo(CanonicalQuantity other) {
    return value.compareTo(other.value);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof CanonicalQuantity q && q.value.compareTo(value) == 0;
  }

  @Override
  public int hashCode() {
    return value.stripTrailingZeros().hashCode();
  }

  /** The canonical text, as Quantity.String() writes it. */
  @Override
  public String toString() {
    if (value.signum() == 0) {
      return "0";
    }
    String sign = value.signum() < 0 ? "-" : "";
    BigDecimal magnitude = value.abs();
    Format shown = format;
    if (shown == Format.BinarySI) {
      // Small or fractional binary amounts read better, and exactly, as decimal ones.
      boolean integral = magnitude.stripTrailingZeros().scale() <= 0;
      if (magnitude.compareTo(BigDecimal.valueOf(1024)) < 0 || !integral) {
        shown = Format.DecimalSI;
      } else {
        BigInteger amount = magnitude.toBigIntegerExact();
        int power = 0;
        while (power < BINARY.length - 1 && amount.mod(KIBI).signum() == 0) {
          amount = amount.divide(KIBI);
          power++;
        }
        return sign + amount + BINARY[power];
      }
    }
    BigDecimal stripped = magnitude.stripTrailingZeros();
    BigInteger mantissa = stripped.unscaledValue();
    int exponent = -stripped.scale();
    // The exponent goes down to a multiple of three; the mantissa grows to match.
    int down = Math.floorMod(exponent, 3);
    mantissa = mantissa.multiply(BigInteger.TEN.pow(down));
    exponent -= down;
    if (shown == Format.DecimalExponent) {
      return sign + mantissa + (exponent == 0 ? "" : "e" + exponent);
    }
    String suffix = decimalSuffix(exponent);
    return sign + mantissa + (suffix == null ? "e" + exponent : suffix);
  }

  /**
   * The fields of the Go struct that ParseQuantity fills from the canonical text, which is what
   * a controller holds after decoding the stored object: {@code i.value}, {@code i.scale}, the
   * cached string {@code s} (kept only when the text was already canonical in the parser's
   * eyes) and the format. Null when the value needs the arbitrary-precision form ({@code d}).
   */
  GoFields goFields() {
    String text = toString();
    if (text.equals("0")) {
      return new GoFields(0, 0, "0", Format.DecimalSI);
    }
    boolean negative = text.startsWith("-");
    String unsigned = negative ? text.substring(1) : text;
    int end = 0;
    while (end < unsigned.length() && Character.isDigit(unsigned.charAt(end))) {
      end++;
    }
    String digits = unsigned.substring(0, end);
    String suffix = unsigned.substring(end);
    long parsed;
    try {
      parsed = Long.parseLong(digits);
    } catch (NumberFormatException e) {
      return null;
    }
    if (suffix.endsWith("i")) {
      int exponent = indexOf(BINARY, suffix) * 10;
      int precision = 15 - digits.length() - (int) ((float) exponent * 3 / 10) - 1;
      if (precision < 0) {
        return null;
      }
      long result;
      try {
        result = Math.multiplyExact(parsed, 1L << exponent);
      } catch (ArithmeticException e) {
        return null;
      }
      boolean cached = exponent % 10 == 0 && (parsed & 0x07) != 0;
      return new GoFields(negative ? -result : result, 0, cached ? text : "", Format.BinarySI);
    }
    int exponent = suffix.startsWith("e") ? Integer.parseInt(suffix.substring(1)) : decimalExponent(suffix);
    if (18 - digits.length() < 0 || exponent < -9) {
      return null;
    }
    boolean cached = exponent % 3 == 0 && !digits.endsWith("000") && digits.charAt(0) != '0';
    return new GoFields(negative ? -parsed : parsed, exponent, cached ? text : "",
        suffix.startsWith("e") ? Format.DecimalExponent : Format.DecimalSI);
  }

  /** The int64Amount form of a Go Quantity, its cached string and its format. */
  record GoFields(long value, int scale, String cached, Format format) {}
}
