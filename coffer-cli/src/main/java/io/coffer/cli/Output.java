package io.coffer.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Answers as people read them (aligned columns) or as scripts do ({@code --output json}: the API's
 * JSON, pretty-printed), the way {@code az} offers both.
 */
public enum Output {
  TABLE,
  JSON;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** By the {@code -o} option's value: {@code json}, else a table. */
  public static Output named(String name) {
    return name.equalsIgnoreCase("json") ? JSON : TABLE;
  }

  /** Prints an object or a {@code {"value": [...]}} listing with the given columns. */
  public void print(PrintWriter out, JsonNode answer, String... columns) {
    if (this == JSON) {
      try {
        out.println(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(answer));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
      out.flush();
      return;
    }
    List<JsonNode> rows = new ArrayList<>();
    if (answer.has("value") && answer.get("value").isArray()) {
      answer.get("value").forEach(rows::add);
    } else if (!answer.isEmpty()) {
      rows.add(answer);
    }
    if (rows.isEmpty()) {
      out.println(answer.has("value") ? "(none)" : "done");
      out.flush();
      return;
    }
    int[] widths = new int[columns.length];
    List<String[]> cells = new ArrayList<>();
    String[] header = new String[columns.length];
    for (int c = 0; c < columns.length; c++) {
      header[c] = heading(columns[c]);
      widths[c] = header[c].length();
    }
    for (JsonNode row : rows) {
      String[] line = new String[columns.length];
      for (int c = 0; c < columns.length; c++) {
        JsonNode value = row.path(columns[c]);
        line[c] = cell(value);
        widths[c] = Math.max(widths[c], line[c].length());
      }
      cells.add(line);
    }
    printLine(out, header, widths);
    String[] rule = new String[columns.length];
    for (int c = 0; c < columns.length; c++) {
      rule[c] = "-".repeat(widths[c]);
    }
    printLine(out, rule, widths);
    cells.forEach(line -> printLine(out, line, widths));
    out.flush();
  }

  /** A cell: arrays as {@code a,b}, objects (tags) as {@code k=v,k2=v2}. */
  private static String cell(JsonNode value) {
    List<String> parts = new ArrayList<>();
    if (value.isArray()) {
      value.forEach(v -> parts.add(v.asText()));
      return String.join(",", parts);
    }
    if (value.isObject()) {
      value.properties().forEach(e -> parts.add(e.getKey() + "=" + e.getValue().asText()));
      return String.join(",", parts);
    }
    return value.isMissingNode() || value.isNull() ? "" : value.asText();
  }

  private static void printLine(PrintWriter out, String[] cells, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int c = 0; c < cells.length; c++) {
      line.append(cells[c]);
      if (c < cells.length - 1) {
        line.append(" ".repeat(widths[c] - cells[c].length() + 2));
      }
    }
    out.println(line.toString().stripTrailing());
  }

  /** {@code displayName} → {@code DisplayName}, as az's table headers read. */
  private static String heading(String column) {
    return Character.toUpperCase(column.charAt(0)) + column.substring(1);
  }
}
