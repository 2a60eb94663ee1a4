package dev.kubetape.testkit;

import java.util.ArrayList;
import java.util.List;

/** A line diff for reports: common lines with a space, the left's with '-', the right's with '+'. */
final class Diff {
  private Diff() {}

  static String unified(String left, String right) {
    List<String> a = left.lines().toList();
    List<String> b = right.lines().toList();
    int[][] common = new int[a.size() + 1][b.size() + 1];
    for (int i = a.size() - 1; i >= 0; i--) {
      for (int j = b.size() - 1; j >= 0; j--) {
        common[i][j] = a.get(i).equals(b.get(j))
            ? common[i + 1][j + 1] + 1 : Math.max(common[i + 1][j], common[i][j + 1]);
      }
    }
    List<String> out = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < a.size() || j < b.size()) {
      if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
        out.add("  " + a.get(i++));
        j++;
      } else if (j < b.size() && (i == a.size() || common[i][j + 1] >= common[i + 1][j])) {
        out.add("+ " + b.get(j++));
      } else {
        out.add("- " + a.get(i++));
      }
    }
    return String.join("\n", out) + "\n";
  }
}
