package io.coffer.server.http;

import io.coffer.server.CofferException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds the route for a method and path. Paths match segment by segment, a trailing slash ignored
 * (clients ask for the latest version as {@code /secrets/<name>/}); where several patterns match,
 * the one with a literal segment earliest wins, so {@code /secrets/{name}/versions} is not taken
 * for a version called "versions".
 */
final class Router {
  /** A route and the values of its parameters. */
  record Match(Route route, Map<String, String> parameters) {}

  private final List<Route> routes;
  private final Map<String, List<Route>> byFirstSegment = new HashMap<>();

  Router(List<Route> routes) {
    this.routes = List.copyOf(routes);
    for (Route route : routes) {
      byFirstSegment.computeIfAbsent(first(route.segments()), k -> new ArrayList<>()).add(route);
    }
    Map<String, Route> seen = new HashMap<>();
    for (Route route : routes) {
      String shape = route.method() + " " + String.join("/", route.segments());
      Route twin = seen.put(shape, route);
      if (twin != null) {
        throw new IllegalArgumentException("two routes for " + shape + ": " + twin + ", " + route);
      }
    }
  }

  List<Route> routes() {
    return routes;
  }

  /**
   * The route for a method and path.
   *
   * @throws CofferException.NotFound when no route has this path
   * @throws CofferException.MethodNotAllowed when routes have it, for other methods
   */
  Match match(String method, String path) {
    List<String> segments = segments(path);
    Match best = null;
    String bestRank = null;
    Set<String> allowed = new TreeSet<>();
    for (Route route : candidates(segments)) {
      Map<String, String> parameters = parameters(route.segments(), segments);
      if (parameters == null) {
        continue;
      }
      if (!route.method().equals(method)) {
        allowed.add(route.method());
        continue;
      }
      String rank = rank(route.segments());
      if (best == null || rank.compareTo(bestRank) > 0) {
        best = new Match(route, parameters);
        bestRank = rank;
      }
    }
    if (best != null) {
      return best;
    }
    if (!allowed.isEmpty()) {
      throw new CofferException.MethodNotAllowed("HTTP " + method + " not allowed", allowed);
    }
    throw new CofferException.NotFound("The requested resource was not found.");
  }

  /**
   * A path's segments, empty ones dropped: a trailing slash, and the double slash some clients
   * build from an empty tenant ({@code /common//v2.0/...}), name nothing.
   */
  static List<String> segments(String path) {
    List<String> segments = new ArrayList<>();
    for (String segment : path.split("/")) {
      if (!segment.isEmpty()) {
        segments.add(segment);
      }
    }
    return segments;
  }

  private List<Route> candidates(List<String> segments) {
    List<Route> candidates = new ArrayList<>();
    candidates.addAll(byFirstSegment.getOrDefault(first(segments), List.of()));
    candidates.addAll(byFirstSegment.getOrDefault("{", List.of()));
    return candidates;
  }

  /** The first segment as an index key; every parameter segment shares the key "{". */
  private static String first(List<String> segments) {
    if (segments.isEmpty()) {
      return "";
    }
    String first = segments.get(0);
    return first.startsWith("{") ? "{" : first;
  }

  /** The parameter values, or null when the pattern does not match. */
  private static Map<String, String> parameters(List<String> pattern, List<String> segments) {
    if (pattern.size() != segments.size()) {
      return null;
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    for (int i = 0; i < pattern.size(); i++) {
      String expected = pattern.get(i);
      String actual = segments.get(i);
      if (expected.startsWith("{") && expected.endsWith("}")) {
        parameters.put(expected.substring(1, expected.length() - 1), actual);
      } else if (!expected.equals(actual)) {
        return null;
      }
    }
    return parameters;
  }

  /** Literal segments rank above parameters, position by position. */
  private static String rank(List<String> pattern) {
    StringBuilder rank = new StringBuilder();
    for (String segment : pattern) {
      rank.append(segment.startsWith("{") ? '0' : '1');
    }
    return rank.toString();
  }
}
