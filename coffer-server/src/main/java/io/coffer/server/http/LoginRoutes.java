package io.coffer.server.http;

import io.coffer.server.CofferException.AuthorizeRefused;
import io.coffer.server.identity.AuthorizeRequest;
import io.coffer.server.identity.InteractiveLogin;
import io.coffer.server.throttle.CredentialThrottle;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Interactive sign-in: {@code GET /<tenant>/oauth2/v2.0/authorize} shows the form, {@code POST}
 * checks the password and hands a code to the client's loopback listener.
 */
final class LoginRoutes {
  /**
   * Binds a form to the browser it was served to. {@code __Host-}: this host only, over TLS;
   * SameSite=Strict: never sent with another site's post.
   */
  private static final String BINDING_COOKIE = "__Host-coffer-signin";

  private static final Pattern BINDING = Pattern.compile("[A-Za-z0-9_-]{43}");
  private static final String WRONG_CREDENTIALS =
      "Your account or password is incorrect. Try again.";

  private final InteractiveLogin login;
  private final CredentialThrottle signIns;

  LoginRoutes(InteractiveLogin login, CredentialThrottle signIns) {
    this.login = login;
    this.signIns = signIns;
  }

  List<Route> routes() {
    return List.of(
        Route.get("/{tenant}/oauth2/v2.0/authorize", "SignInPage", this::page),
        Route.post("/{tenant}/oauth2/v2.0/authorize", "SignIn", this::submit)
            .presentingCredential());
  }

  private void page(Exchange exchange) {
    String tenant = exchange.pathParameter("tenant");
    AuthorizeRequest request = login.authorize(tenant, exchange.queryParameters());
    String binding =
        exchange
            .cookie(BINDING_COOKIE)
            .filter(b -> BINDING.matcher(b).matches())
            .orElseGet(InteractiveLogin::newBrowserBinding);
    exchange.header(
        "Set-Cookie",
        BINDING_COOKIE
            + "="
            + binding
            + "; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=900");
    LoginPage.signIn(
        exchange,
        tenant,
        request,
        InteractiveLogin.formToken(request, binding),
        Optional.empty(),
        request.loginHint().orElse(""));
  }

  private void submit(Exchange exchange) {
    String tenant = exchange.pathParameter("tenant");
    Map<String, String> form =
        PostedForm.read(
            exchange,
            () ->
                new AuthorizeRefused(
                    "invalid_request", 90014, "The sign-in form could not be read."));
    AuthorizeRequest request = login.authorize(tenant, form);
    signIns.admitClient(request.clientId());
    String binding = exchange.cookie(BINDING_COOKIE).orElse("");
    String formToken = form.getOrDefault("flowToken", "");
    if (!InteractiveLogin.formTokenMatches(request, binding, formToken)) {
      throw new AuthorizeRefused(
          "invalid_request",
          90014,
          "The sign-in form has expired or was not sent by this browser.");
    }
    String userName = form.getOrDefault("login", "");
    exchange.userName(userName);
    exchange.appId(request.clientId());
    Optional<InteractiveLogin.SignedIn> answer =
        login.signIn(request, userName, form.getOrDefault("passwd", ""), exchange.clientAddress());
    if (answer.isEmpty()) {
      // The form is shown again, as Entra does; the trail records the refusal as what it is.
      exchange.auditOutcome(400, "invalid_grant");
      LoginPage.signIn(
          exchange, tenant, request, formToken, Optional.of(WRONG_CREDENTIALS), userName);
      return;
    }
    exchange.principal(answer.get().user());
    LoginPage.deliver(exchange, answer.get().answer());
  }
}
