package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Parses a {@code labelSelector} query parameter with the grammar of apimachinery's label
 * parser (identifiers, {@code in}, {@code notin}, {@code =}, {@code ==}, {@code !=}, {@code !},
 * {@code gt}/{@code lt} as {@code >}/{@code <}, parentheses and commas), so that a malformed
 * selector gets the same "found 'x', expected: y" message as on a real cluster.
 */
final class LabelSelectorParser {
  private enum Kind { IDENTIFIER, IN, NOT_IN, EQUALS, DOUBLE_EQUALS, NOT_EQUALS, NOT, GREATER,
    LESS, OPEN, CLOSE, COMMA, END, ERROR }

  private record Token(Kind kind, String text) {}

  private final List<Token> tokens = new ArrayList<>();
  private int at;

  private LabelSelectorParser(String selector) {
    int pos = 0;
    while (true) {
      while (pos < selector.length() && Character.isWhitespace(selector.charAt(pos))) {
        pos++;
      }
      if (pos >= selector.length()) {
        tokens.add(new Token(Kind.END, ""));
        return;
      }
      char c = selector.charAt(pos);
      if (isSpecial(c)) {
        int start = pos;
        Token last = null;
        int lastEnd = pos;
        while (pos < selector.length() && isSpecial(selector.charAt(pos))) {
          Kind kind = symbol(selector.substring(start, pos + 1));
          pos++;
          if (kind != null) {
            last = new Token(kind, selector.substring(start, pos));
            lastEnd = pos;
          } else if (last != null) {
            break;
          }
        }
        if (last == null) {
          tokens.add(new Token(Kind.ERROR, "error expected: keyword found '"
              + selector.substring(start, pos) + "'"));
          tokens.add(new Token(Kind.END, ""));
          return;
        }
        pos = lastEnd;
        tokens.add(last);
      } else {
        int start = pos;
        while (pos < selector.length() && !isSpecial(selector.charAt(pos))
            && !Character.isWhitespace(selector.charAt(pos))) {
          pos++;
        }
        String word = selector.substring(start, pos);
        tokens.add(new Token(word.equals("in") ? Kind.IN : word.equals("notin") ? Kind.NOT_IN
            : Kind.IDENTIFIER, word));
      }
    }
  }

  private static boolean isSpecial(char c) {
    return "=!(),><".indexOf(c) >= 0;
  }

  private static Kind symbol(String text) {
    return switch (text) {
      case "=" -> Kind.EQUALS;
      case "==" -> Kind.DOUBLE_EQUALS;
      case "!=" -> Kind.NOT_EQUALS;
      case "!" -> Kind.NOT;
      case "(" -> Kind.OPEN;
      case ")" -> Kind.CLOSE;
      case "," -> Kind.COMMA;
      case ">" -> Kind.GREATER;
      case "<" -> Kind.LESS;
      default -> null;
    };
  }

  /** Where values are expected, the keywords are plain identifiers. */
  private Token look(boolean values) {
    Token token = tokens.get(Math.min(at, tokens.size() - 1));
    if (values && (token.kind() == Kind.IN || token.kind() == Kind.NOT_IN)) {
      return new Token(Kind.IDENTIFIER, token.text());
    }
    return token;
  }

  private Token next(boolean values) {
    Token token = look(values);
    if (at < tokens.size() - 1) {
      at++;
    }
    return token;
  }

  /** Parses a selector into a predicate over an object's labels (null when it has none). */
  static Predicate<JsonNode> parse(String selector) {
    LabelSelectorParser parser = new LabelSelectorParser(selector);
    List<Predicate<JsonNode>> requirements = new ArrayList<>();
    while (true) {
      Token token = parser.look(true);
      switch (token.kind()) {
        case IDENTIFIER, NOT -> {
          try {
            requirements.add(parser.requirement());
          } catch (IllegalArgumentException e) {
            throw fail("unable to parse requirement: " + e.getMessage());
          }
          Token after = parser.next(true);
          if (after.kind() == Kind.END) {
            return labels -> requirements.stream().allMatch(r -> r.test(labels));
          }
          if (after.kind() != Kind.COMMA) {
            throw fail("found '" + after.text() + "', expected: ',' or 'end of string'");
          }
          Token following = parser.look(true);
          if (following.kind() != Kind.IDENTIFIER && following.kind() != Kind.NOT) {
            throw fail("found '" + following.text() + "', expected: identifier after ','");
          }
        }
        case END -> {
          return labels -> requirements.stream().allMatch(r -> r.test(labels));
        }
        default -> throw fail("found '" + token.text()
            + "', expected: !, identifier, or 'end of string'");
      }
    }
  }

  private static ApiException fail(String message) {
    return ApiException.badRequest(message);
  }

  private Predicate<JsonNode> requirement() {
    boolean negated = false;
    Token key = next(true);
    if (key.kind() == Kind.NOT) {
      negated = true;
      key = next(true);
    }
    if (key.kind() != Kind.IDENTIFIER) {
      throw new IllegalArgumentException("found '" + key.text() + "', expected: identifier");
    }
    String name = key.text();
    checkKey(name);
    Kind following = look(true).kind();
    if (following == Kind.END || following == Kind.COMMA) {
      boolean doesNotExist = negated;
      return labels -> (labels != null && labels.has(name)) != doesNotExist;
    }
    Token operator = next(false);
    switch (operator.kind()) {
      case IN, NOT_IN -> {
        TreeSet<String> values = values();
        boolean in = operator.kind() == Kind.IN;
        values.forEach(LabelSelectorParser::checkValue);
        return labels -> {
          JsonNode value = labels == null ? null : labels.get(name);
          return in ? value != null && values.contains(value.asText())
              : value == null || !values.contains(value.asText());
        };
      }
      case EQUALS, DOUBLE_EQUALS, NOT_EQUALS -> {
        String value = exactValue();
        checkValue(value);
        boolean equal = operator.kind() != Kind.NOT_EQUALS;
        return labels -> {
          JsonNode actual = labels == null ? null : labels.get(name);
          boolean matches = actual != null && actual.asText().equals(value);
          return equal ? matches : !matches;
        };
      }
      case GREATER, LESS -> {
        String value = exactValue();
        long bound;
        try {
          bound = Long.parseLong(value);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("values[0]: Invalid value: \"" + value
              + "\": for 'Gt', 'Lt' operators, the value must be an integer");
        }
        boolean greater = operator.kind() == Kind.GREATER;
        return labels -> {
          JsonNode actual = labels == null ? null : labels.get(name);
          try {
            long number = actual == null ? 0 : Long.parseLong(actual.asText());
            return actual != null && (greater ? number > bound : number < bound);
          } catch (NumberFormatException e) {
            return false;
          }
        };
      }
      default -> throw new IllegalArgumentException("found '" + operator.text()
          + "', expected: in, notin, =, ==, !=, gt, lt");
    }
  }

  private TreeSet<String> values() {
    Token open = next(true);
    if (open.kind() != Kind.OPEN) {
      throw new IllegalArgumentException("found '" + open.text() + "' expected: '('");
    }
    Token first = look(true);
    switch (first.kind()) {
      case IDENTIFIER, COMMA -> {
        TreeSet<String> values = identifiers();
        if (next(true).kind() != Kind.CLOSE) {
          throw new IllegalArgumentException("found '" + first.text() + "', expected: ')'");
        }
        return values;
      }
      case CLOSE -> {
        next(true);
        TreeSet<String> empty = new TreeSet<>();
        empty.add("");
        return empty;
      }
      default -> throw new IllegalArgumentException("found '" + first.text()
          + "', expected: ',', ')' or identifier");
    }
  }

  private TreeSet<String> identifiers() {
    TreeSet<String> values = new TreeSet<>();
    while (true) {
      Token token = next(true);
      switch (token.kind()) {
        case IDENTIFIER -> {
          values.add(token.text());
          Token after = look(true);
          if (after.kind() == Kind.CLOSE) {
            return values;
          }
          if (after.kind() != Kind.COMMA) {
            throw new IllegalArgumentException("found '" + after.text() + "', expected: ',' or ')'");
          }
        }
        case COMMA -> {
          if (values.isEmpty()) {
            values.add("");
          }
          Token after = look(true);
          if (after.kind() == Kind.CLOSE) {
            values.add("");
            return values;
          }
          if (after.kind() == Kind.COMMA) {
            next(true);
            values.add("");
          }
        }
        default -> throw new IllegalArgumentException("found '" + token.text()
            + "', expected: ',', or identifier");
      }
    }
  }

  private String exactValue() {
    Kind following = look(true).kind();
    if (following == Kind.END || following == Kind.COMMA) {
      return "";
    }
    Token token = next(true);
    if (token.kind() == Kind.IDENTIFIER) {
      return token.text();
    }
    throw new IllegalArgumentException("found '" + token.text() + "', expected: identifier");
  }

  private static void checkKey(String key) {
    List<ApiException.Cause> causes = new ArrayList<>();
    Validation.qualifiedName(key, "key", causes);
    if (!causes.isEmpty()) {
      throw new IllegalArgumentException("key: " + causes.get(0).message());
    }
  }

  private static void checkValue(String value) {
    if (!value.isEmpty() && (value.length() > 63
        || !value.matches("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"))) {
      throw new IllegalArgumentException("values[0]: Invalid value: \"" + value + "\": "
          + (value.length() > 63 ? "must be no more than 63 characters"
              : "a valid label must be an empty string or consist of alphanumeric characters,"
                  + " '-', '_' or '.', and must start and end with an alphanumeric character"
                  + " (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is"
                  + " '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"));
    }
  }

}
