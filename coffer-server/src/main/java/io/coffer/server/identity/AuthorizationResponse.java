package io.coffer.server.identity;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * What the authorize endpoint sends back to the client's loopback listener: a code and state, or an
 * error (or to the console's own address). {@code query} delivers it as a redirect; {@code
 * form_post} (MSAL for Java's default) as a form the browser posts to the redirect URI. The
 * parameters hold a code, so they are never printed.
 */
public record AuthorizationResponse(
    String redirectUri, boolean formPost, Map<String, String> parameters) {

  public AuthorizationResponse {
    if (!isLoopback(redirectUri) && !isConsole(redirectUri)) {
      throw new IllegalArgumentException("only loopback or console redirect URIs are answered");
    }
    parameters = Map.copyOf(parameters);
  }

  /**
   * Entra's rule for public clients: {@code http} to {@code localhost} or {@code 127.0.0.1}, any
   * port and path; nothing else, so a code never leaves the user's machine.
   */
  public static boolean isLoopback(String uri) {
    try {
      URI parsed = new URI(uri);
      String host = parsed.getHost();
      return "http".equalsIgnoreCase(parsed.getScheme())
          && host != null
          && (host.toLowerCase(Locale.ROOT).equals("localhost") || host.equals("127.0.0.1"))
          && parsed.getRawUserInfo() == null
          && parsed.getRawFragment() == null;
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  /**
   * The shape of the console's own redirect, {@code https://<host>[:port]/console/auth}; which host
   * is checked against the server's names by {@link InteractiveLogin}.
   */
  public static boolean isConsole(String uri) {
    try {
      URI parsed = new URI(uri);
      return "https".equals(parsed.getScheme())
          && parsed.getHost() != null
          && CONSOLE_PATH.equals(parsed.getRawPath())
          && parsed.getRawUserInfo() == null
          && parsed.getRawQuery() == null
          && parsed.getRawFragment() == null;
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  /** The path the console receives its authorization response on. */
  public static final String CONSOLE_PATH = "/console/auth";

  /** The redirect target for {@code response_mode=query}. */
  public String location() {
    StringBuilder location = new StringBuilder(redirectUri);
    char separator = redirectUri.contains("?") ? '&' : '?';
    for (Map.Entry<String, String> parameter : parameters.entrySet()) {
      location
          .append(separator)
          .append(URLEncoder.encode(parameter.getKey(), StandardCharsets.UTF_8))
          .append('=')
          .append(URLEncoder.encode(parameter.getValue(), StandardCharsets.UTF_8));
      separator = '&';
    }
    return location.toString();
  }

  /** The origin the browser is sent to, for the sign-in page's {@code form-action} policy. */
  public String origin() {
    URI parsed = URI.create(redirectUri);
    return parsed.getScheme()
        + "://"
        + parsed.getHost()
        + (parsed.getPort() < 0 ? "" : ":" + parsed.getPort());
  }

  @Override
  public String toString() {
    return "AuthorizationResponse[formPost=" + formPost + "]";
  }
}
