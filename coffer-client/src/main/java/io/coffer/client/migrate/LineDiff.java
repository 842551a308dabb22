package io.coffer.client.migrate;

import java.util.ArrayList;
import java.util.List;

/** A unified-style line diff of two small texts (configuration files), for dry runs. */
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
    boolean changed = false;
    while (i < a.length || j < b.length) {
      if (i < a.length && j < b.length && a[i].equals(b[j])) {
        out.add(" " + a[i]);
        i++;
        j++;
      } else if (j < b.length && (i == a.length || common[i][j + 1] >= common[i + 1][j])) {
        out.add("+" + b[j++]);
        changed = true;
      } else {
        out.add("-" + a[i++]);
        changed = true;
      }
    }
    if (!changed) {
      return "";
    }
    return "--- " + name + "\n+++ " + name + " (migrated)\n" + String.join("\n", out) + "\n";
  }
}
