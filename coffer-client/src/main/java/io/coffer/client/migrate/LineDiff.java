package io.coffer.client.migrate;

import java.util.ArrayList;
import java.util.List;

/**
 * A unified-style line diff of two small texts (configuration files), for dry runs. It shows the
 * changed lines only, under {@code @@} headers that give their line numbers: an unchanged line can
 * hold a credential nobody recognised (a password inside a URL), and a dry run's output ends up in
 * terminals and CI logs.
 */
public final class LineDiff {
  private LineDiff() {}

  public static String of(String name, String before, String after) {
    String[] a = before.split("\n", -1);
    String[] b = after.split("\n", -1);
    int[][] common = new int[a.length + 1][b.length + 1];
    for (int i = a.length - 1; i >= 0; i--) {
      for (int j = b.length - 1; j >= 0; j--) {
        common[i][j] =
            a[i].equals(b[j])
                ? common[i + 1][j + 1] + 1
                : Math.max(common[i + 1][j], common[i][j + 1]);
      }
    }
    List<String> out = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < a.length || j < b.length) {
      if (i < a.length && j < b.length && a[i].equals(b[j])) {
        i++;
        j++;
        continue;
      }
      int fromA = i;
      int fromB = j;
      List<String> hunk = new ArrayList<>();
      while ((i < a.length || j < b.length)
          && !(i < a.length && j < b.length && a[i].equals(b[j]))) {
        if (i < a.length && (j == b.length || common[i + 1][j] >= common[i][j + 1])) {
          hunk.add("-" + a[i++]);
        } else {
          hunk.add("+" + b[j++]);
        }
      }
      out.add("@@ " + range('-', fromA, i - fromA) + " " + range('+', fromB, j - fromB) + " @@");
      out.addAll(hunk);
    }
    if (out.isEmpty()) {
      return "";
    }
    return "--- " + name + "\n+++ " + name + " (migrated)\n" + String.join("\n", out) + "\n";
  }

  /** {@code -3,2}: two lines from line 3; an empty side names the line before it, as diff does. */
  private static String range(char side, int from, int count) {
    return side + Integer.toString(count == 0 ? from : from + 1) + "," + count;
  }
}
