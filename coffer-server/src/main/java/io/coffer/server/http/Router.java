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

  /**
   * A route's pattern taken apart once: its segments, which of them are parameters (by name, null
   * for a literal) and its rank, so matching a request splits only the request's path.
   */
  private record Compiled(Route route, String[] literals, String[] parameters, int rank) {
    static Compiled of(Route route) {
      List<String> segments = route.segments();
      String[] literals = new String[segments.size()];
      String[] parameters = new String[segments.size()];
      int rank = 0;
      for (int i = 0; i < segments.size(); i++) {
        String segment = segments.get(i);
        boolean parameter = segment.startsWith("{") && segment.endsWith("}");
        if (parameter) {
          parameters[i] = segment.substring(1, segment.length() - 1);
        } else {
          literals[i] = segment;
          rank |= 1 << (30 - i); // a literal earlier outranks any literals after it
        }
      }
      return new Compiled(route, literals, parameters, rank);
    }

    /** The parameter values, or null when the pattern does not match. */
    Map<String, String> match(List<String> path) {
      if (path.size() != literals.length) {
        return null;
      }
      for (int i = 0; i < literals.length; i++) {
        if (literals[i] != null && !literals[i].equals(path.get(i))) {
          return null;
        }
      }
      Map<String, String> values = new LinkedHashMap<>(4);
      for (int i = 0; i < parameters.length; i++) {
        if (parameters[i] != null) {
          values.put(parameters[i], path.get(i));
        }
      }
      return values;
    }
  }

  private final List<Route> routes;
  private final Map<String, List<Compiled>> byFirstSegment = new HashMap<>();
  private final List<Compiled> parameterFirst = new ArrayList<>();

  Router(List<Route> routes) {
    this.routes = List.copyOf(routes);
    Map<String, Route> seen = new HashMap<>();
    for (Route route : routes) {
      Compiled compiled = Compiled.of(route);
      if (compiled.literals.length == 0 || compiled.literals[0] != null) {
        String first = compiled.literals.length == 0 ? "" : compiled.literals[0];
        byFirstSegment.computeIfAbsent(first, k -> new ArrayList<>()).add(compiled);
      } else {
        parameterFirst.add(compiled);
      }
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
    int bestRank = -1;
    Set<String> allowed = null;
    List<Compiled> literalFirst =
        byFirstSegment.getOrDefault(segments.isEmpty() ? "" : segments.get(0), List.of());
    for (List<Compiled> candidates : List.of(literalFirst, parameterFirst)) {
      for (Compiled candidate : candidates) {
        Map<String, String> parameters = candidate.match(segments);
        if (parameters == null) {
          continue;
        }
        if (!candidate.route.method().equals(method)) {
          if (allowed == null) {
            allowed = new TreeSet<>();
          }
          allowed.add(candidate.route.method());
          continue;
        }
        if (candidate.rank > bestRank) {
          best = new Match(candidate.route, parameters);
          bestRank = candidate.rank;
        }
      }
    }
    if (best != null) {
      return best;
    }
    if (allowed != null) {
      throw new CofferException.MethodNotAllowed("HTTP " + method + " not allowed", allowed);
    }
    throw new CofferException.NotFound("The requested resource was not found.");
  }

  /**
   * A path's segments, empty ones dropped: a trailing slash, and the double slash some clients
   * build from an empty tenant ({@code /common//v2.0/...}), name nothing.
   */
  static List<String> segments(String path) {
    List<String> segments = new ArrayList<>(6);
    int start = 0;
    int length = path.length();
    while (start < length) {
      int end = path.indexOf('/', start);
      if (end < 0) {
        end = length;
      }
      if (end > start) {
        segments.add(path.substring(start, end));
      }
      start = end + 1;
    }
    return segments;
  }
}
