package dev.kubetape.proxy;

import dev.kubetape.testkit.Tool;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What one kubectl or helm command printed and returned, with everything that differs between
 * two runs of the same script for reasons other than the route taken rubbed out: the namespace
 * name, the server's address, uids, resourceVersions, times and ages, generated name suffixes,
 * IPs, node and container IDs, diff's temporary folders, the progress lines a
 * {@code rollout status} happened to see, and the column padding that a wider age shifts.
 * Everything else must be equal, byte for byte.
 */
record Transcript(int exitCode, String stdout, String stderr) {
  /** A rule: a pattern and its replacement (with $1 ... for groups). */
  private record Rule(Pattern pattern, String replacement) {
    static Rule of(String regex, String replacement) {
      return new Rule(Pattern.compile(regex, Pattern.MULTILINE), replacement);
    }

    String apply(String text) {
      return pattern.matcher(text).replaceAll(replacement);
    }
  }

  /** In order: times before ages (a time holds digits an age rule would eat), ages before padding. */
  private static final List<Rule> RULES = List.of(
      // diff -u's temporary folders, and the times of the files in its header.
      Rule.of("\\S*/(LIVE|MERGED)-\\d+", "<tmp>/$1"),
      Rule.of("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(\\.\\d+)? [+-]\\d{4}( [A-Z]{3,4})?", "<time>"),
      // RFC 3339 (objects, log lines, --timestamps), describe's RFC 1123Z, helm's ANSI C form.
      Rule.of("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?(Z|[+-]\\d\\d:\\d\\d)", "<time>"),
      Rule.of("[A-Z][a-z]{2}, \\d\\d [A-Z][a-z]{2} \\d{4} \\d\\d:\\d\\d:\\d\\d [+-]\\d{4}", "<time>"),
      Rule.of("[A-Z][a-z]{2} [A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}", "<time>"),
      Rule.of("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<uid>"),
      Rule.of("(resourceVersion\"?\\s*[:=]\\s*)\"?\\d+\"?", "$1<rv>"),
      Rule.of("(containerd|docker|cri-o)://[0-9a-f]+", "$1://<id>"),
      Rule.of("\\b\\d{1,3}(\\.\\d{1,3}){3}\\b", "<ip>"),
      // The scheduler spreads pods over nodes by what already runs there, including the other run's.
      Rule.of("\\bnode-\\d+\\b", "node-<n>"),
      // Generated names end in five characters of the API server's random alphabet.
      Rule.of("-[bcdfghjklmnpqrstvwxz2456789]{5}\\b", "-<random>"),
      Rule.of("\\b\\d+(\\.\\d+)?(ms|s|m|h|d|y)(\\d+(s|m|h))?\\b", "<age>"),
      Rule.of("<invalid>", "<age>"),
      // rollout status prints a line per state it sees; which it sees, if any, is a matter of timing.
      Rule.of("^Waiting for (deployment|rollout) .*\\n", ""),
      Rule.of("(?<=\\S)[ \\t]{2,}", "  "),
      Rule.of("[ \\t]+$", ""));

  static Transcript of(Tool.Result result) {
    return new Transcript(result.exitCode(), result.stdout(), result.stderr());
  }

  /**
   * @param namespace the namespace this run worked in
   * @param server the host:port this run's kubectl talked to
   */
  Transcript normalised(String namespace, String server) {
    return new Transcript(exitCode, normalise(stdout, namespace, server), normalise(stderr, namespace, server));
  }

  private static String normalise(String text, String namespace, String server) {
    String result = text.replace(namespace, "<ns>").replace(server, "<server>");
    for (Rule rule : RULES) {
      result = rule.apply(result);
    }
    return result;
  }

  String describe() {
    return "exit " + exitCode + "\n--- stdout\n" + stdout + (stdout.endsWith("\n") || stdout.isEmpty() ? "" : "\n")
        + "--- stderr\n" + stderr + (stderr.endsWith("\n") || stderr.isEmpty() ? "" : "\n");
  }

  /** The first line where two texts part, for a quick look before the full outputs. */
  static String firstDifference(String a, String b) {
    List<String> left = a.lines().toList();
    List<String> right = b.lines().toList();
    for (int i = 0; i < Math.max(left.size(), right.size()); i++) {
      String l = i < left.size() ? left.get(i) : "<end>";
      String r = i < right.size() ? right.get(i) : "<end>";
      if (!l.equals(r)) {
        return "line " + (i + 1) + ":\n  direct:  " + l + "\n  proxied: " + r;
      }
    }
    return a.equals(b) ? "none" : "only in line endings";
  }
}
