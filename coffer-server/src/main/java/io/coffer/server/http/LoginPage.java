package io.coffer.server.http;

import io.coffer.server.CofferException;
import io.coffer.server.crypto.Digests;
import io.coffer.server.identity.AuthorizationResponse;
import io.coffer.server.identity.AuthorizeRequest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The pages of interactive sign-in, self-contained (no external assets): the sign-in form, the
 * error page, and the {@code form_post} page that hands the code to the client's listener. The
 * content security policy allows exactly this page's own style and script (by hash), forms only to
 * ourselves and the validated loopback redirect, and no framing. Every echoed value is escaped.
 */
final class LoginPage {
  private static final String STYLE =
      "body{font-family:system-ui,sans-serif;background:#f3f4f6;margin:0}"
          + "main{max-width:22rem;margin:4rem auto;background:#fff;padding:2rem;"
          + "border-radius:.5rem;box-shadow:0 1px 4px #0002}"
          + "h1{font-size:1.3rem;margin:0 0 1rem}label{display:block;margin:.8rem 0 .2rem}"
          + "input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:.5rem}"
          + "button{margin-top:1.2rem;padding:.5rem 1.2rem}"
          + ".error{color:#b91c1c}.muted{color:#6b7280;font-size:.85rem}";

  /** Submits the form_post page on load; a button remains for browsers without scripts. */
  private static final String AUTO_POST = "document.forms[0].submit();";

  private static final String STYLE_HASH = "'sha256-" + sha256(STYLE) + "'";
  private static final String SCRIPT_HASH = "'sha256-" + sha256(AUTO_POST) + "'";

  private LoginPage() {}

  /** The sign-in form; the authorize parameters travel in hidden fields, bound by the token. */
  static void signIn(
      Exchange exchange,
      String tenantPath,
      AuthorizeRequest request,
      String formToken,
      Optional<String> error,
      String userName) {
    StringBuilder body = new StringBuilder();
    body.append("<h1>Sign in to Coffer</h1>");
    body.append("<p class=\"muted\">Application ")
        .append(escape(request.clientId()))
        .append("</p>");
    error.ifPresent(e -> body.append("<p class=\"error\" role=\"alert\">").append(escape(e)));
    body.append("<form method=\"post\" action=\"/")
        .append(escape(tenantPath))
        .append("/oauth2/v2.0/authorize\">");
    for (Map.Entry<String, String> parameter : request.parameters().entrySet()) {
      hidden(body, parameter.getKey(), parameter.getValue());
    }
    hidden(body, "flowToken", formToken);
    body.append("<label for=\"login\">User name</label>")
        .append("<input type=\"text\" id=\"login\" name=\"login\" autocomplete=\"username\"")
        .append(" required autofocus value=\"")
        .append(escape(userName))
        .append("\">")
        .append("<label for=\"passwd\">Password</label>")
        .append("<input type=\"password\" id=\"passwd\" name=\"passwd\"")
        .append(" autocomplete=\"current-password\" required>")
        .append("<button type=\"submit\" id=\"submit\">Sign in</button></form>");
    String origin =
        new AuthorizationResponse(request.redirectUri(), request.formPost(), Map.of()).origin();
    // A query-mode answer is a redirect from this form's post: form-action covers it too.
    send(exchange, 200, "Sign in", body.toString(), "form-action 'self' " + origin, false);
  }

  /** A refusal: to the client when its redirect was validated, else on an error page. */
  static void refused(Exchange exchange, CofferException.AuthorizeRefused refused) {
    if (refused.redirectUri().isPresent()) {
      Map<String, String> parameters = new LinkedHashMap<>();
      parameters.put("error", refused.error());
      parameters.put("error_description", refused.getMessage());
      refused.state().ifPresent(s -> parameters.put("state", s));
      deliver(
          exchange,
          new AuthorizationResponse(refused.redirectUri().get(), refused.formPost(), parameters));
      return;
    }
    String body =
        "<h1>Sign-in failed</h1><p class=\"error\" role=\"alert\">"
            + escape(refused.getMessage())
            + "</p><p class=\"muted\">Close this window and start the sign-in again from your"
            + " application.</p>";
    send(exchange, 400, "Sign-in failed", body, "form-action 'none'", false);
  }

  /** Too many sign-in attempts: the page says when to try again, with Retry-After. */
  static void throttled(Exchange exchange, CofferException.Throttled throttled) {
    exchange.header("Retry-After", Long.toString(Math.max(1, throttled.retryAfter().toSeconds())));
    exchange.auditOutcome(429, "Throttled");
    send(
        exchange,
        429,
        "Too many attempts",
        "<h1>Too many sign-in attempts</h1><p class=\"error\" role=\"alert\">"
            + escape(throttled.getMessage())
            + "</p>",
        "form-action 'none'",
        false);
  }

  /** The authorization response, as a redirect or as a form the browser posts. */
  static void deliver(Exchange exchange, AuthorizationResponse response) {
    if (!response.formPost()) {
      noCaching(exchange);
      exchange.header("Location", response.location()).empty(302);
      return;
    }
    StringBuilder body = new StringBuilder();
    body.append("<h1>Signed in</h1><form method=\"post\" action=\"")
        .append(escape(response.redirectUri()))
        .append("\">");
    response.parameters().forEach((name, value) -> hidden(body, name, value));
    body.append("<noscript><button type=\"submit\">Continue</button></noscript></form>");
    send(exchange, 200, "Signed in", body.toString(), "form-action " + response.origin(), true);
  }

  private static void send(
      Exchange exchange, int status, String title, String main, String formAction, boolean script) {
    String policy =
        "default-src 'none'; style-src "
            + STYLE_HASH
            + (script ? "; script-src " + SCRIPT_HASH : "")
            + "; "
            + formAction
            + "; frame-ancestors 'none'; base-uri 'none'";
    noCaching(exchange);
    exchange
        .header("Content-Security-Policy", policy)
        .header("X-Frame-Options", "DENY")
        .header("Referrer-Policy", "no-referrer")
        .html(
            status,
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
                + "<title>"
                + escape(title)
                + "</title><style>"
                + STYLE
                + "</style></head><body><main>"
                + main
                + "</main>"
                + (script ? "<script>" + AUTO_POST + "</script>" : "")
                + "</body></html>");
  }

  private static void noCaching(Exchange exchange) {
    exchange.header("Cache-Control", "no-store").header("Pragma", "no-cache");
  }

  private static void hidden(StringBuilder body, String name, String value) {
    body.append("<input type=\"hidden\" name=\"")
        .append(escape(name))
        .append("\" value=\"")
        .append(escape(value))
        .append("\">");
  }

  /** HTML escaping for text and double-quoted attribute values. */
  static String escape(String text) {
    StringBuilder escaped = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> escaped.append("&amp;");
        case '<' -> escaped.append("&lt;");
        case '>' -> escaped.append("&gt;");
        case '"' -> escaped.append("&quot;");
        case '\'' -> escaped.append("&#39;");
        default -> escaped.append(c);
      }
    }
    return escaped.toString();
  }

  private static String sha256(String text) {
    return Base64.getEncoder().encodeToString(Digests.sha256(text));
  }
}
