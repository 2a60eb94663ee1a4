package dev.kubetape.cli;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** Output for people: aligned columns, like kubectl's tables. */
final class Output {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
      .withZone(ZoneOffset.UTC);

  private Output() {}

  static String time(Instant time) {
    return time == null ? "-" : TIME.format(time);
  }

  /** Prints rows under a header, each column as wide as its widest cell; the last is left ragged. */
  static void table(PrintStream out, List<String> header, List<List<String>> rows) {
    List<List<String>> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    int[] widths = new int[header.size()];
    for (List<String> row : all) {
      for (int i = 0; i < row.size() - 1; i++) {
        widths[i] = Math.max(widths[i], cell(row.get(i)).length());
      }
    }
    for (List<String> row : all) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        String cell = cell(row.get(i));
        line.append(i == row.size() - 1 ? cell : cell + " ".repeat(widths[i] - cell.length() + 3));
      }
      out.println(line.toString().stripTrailing());
    }
  }

  private static String cell(String text) {
    return text == null || text.isEmpty() ? "-" : text.replace('\n', ' ');
  }
}
