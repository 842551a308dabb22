package io.coffer.server.http;

import io.coffer.server.CofferException.BadRequest;
import io.coffer.server.authz.Action;
import io.coffer.server.secrets.DeletedSecret;
import io.coffer.server.secrets.MetadataChange;
import io.coffer.server.secrets.NewSecret;
import io.coffer.server.secrets.Page;
import io.coffer.server.secrets.SecretService;
import io.coffer.server.secrets.SecretValue;
import io.coffer.server.secrets.SecretVersion;
import io.coffer.wire.BackupBlob;
import io.coffer.wire.Json;
import io.coffer.wire.SecretBundle;
import io.coffer.wire.SecretItem;
import io.coffer.wire.SecretPage;
import io.coffer.wire.SecretRequest;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.regex.Pattern;

/** The Key Vault secrets routes: a route is a line, its required action sits on it. */
final class SecretRoutes {
  private static final int MAX_RESULTS = 25;
  private static final Pattern EXPLICIT_PORT = Pattern.compile(":[0-9]+$");

  private final SecretService secrets;

  SecretRoutes(SecretService secrets) {
    this.secrets = secrets;
  }

  /** The twelve operations; a GET of a secret is answered on the reading thread when it may. */
  List<Route> routes() {
    return List.of(
        Route.get("/secrets", "SecretList", this::list).onVault(Action.READ_METADATA),
        Route.post("/secrets/restore", "SecretRestore", this::restore)
            .onVault(Action.RESTORE)
            .bodyLimit(BodyBudget.MAX_BODY),
        Route.get("/secrets/{name}/versions", "SecretListVersions", this::versions)
            .onSecret(Action.READ_METADATA),
        Route.post("/secrets/{name}/backup", "SecretBackup", this::backup).onSecret(Action.BACKUP),
        Route.get("/secrets/{name}", "SecretGet", this::get)
            .onSecret(Action.GET_SECRET)
            .onReadingThread(),
        Route.get("/secrets/{name}/{version}", "SecretGet", this::get)
            .onSecret(Action.GET_SECRET)
            .onReadingThread(),
        Route.put("/secrets/{name}", "SecretSet", this::set).onSecret(Action.SET_SECRET),
        Route.patch("/secrets/{name}", "SecretUpdate", this::update).onSecret(Action.UPDATE),
        Route.patch("/secrets/{name}/{version}", "SecretUpdate", this::update)
            .onSecret(Action.UPDATE),
        Route.delete("/secrets/{name}", "SecretDelete", this::delete).onSecret(Action.DELETE),
        Route.get("/deletedsecrets", "SecretListDeleted", this::listDeleted)
            .onVault(Action.READ_METADATA),
        Route.get("/deletedsecrets/{name}", "SecretGetDeleted", this::getDeleted)
            .onSecret(Action.READ_METADATA),
        Route.delete("/deletedsecrets/{name}", "SecretPurge", this::purge).onSecret(Action.PURGE),
        Route.post("/deletedsecrets/{name}/recover", "SecretRecover", this::recover)
            .onSecret(Action.RECOVER));
  }

  /**
   * A body that carries a secret's value (or its backup) is stored nowhere on the way: Key Vault
   * sends {@code no-cache}, which still lets a cache keep it (docs/wire-fidelity.md).
   */
  private static void noStore(Exchange exchange) {
    exchange.header("Cache-Control", "no-store");
  }

  /** A secret's bundle, kept out of caches when it carries the value. */
  private static void answerBundle(Exchange exchange, SecretVersion version) {
    SecretBundle bundle = Bodies.bundle(exchange.vaultRequest(), version);
    if (bundle.value() != null) {
      noStore(exchange);
    }
    exchange.json(200, bundle);
  }

  private void set(Exchange exchange) {
    SecretRequest body = SecretRequest.parse(exchange.body());
    NewSecret secret =
        new NewSecret(
            new SecretValue(
                body.value().orElseThrow(() -> new BadRequest("Property 'value' is required."))),
            body.contentType(),
            body.tags(),
            body.enabled().orElse(true),
            optional(body.time("nbf")),
            optional(body.time("exp")));
    SecretVersion created =
        secrets.set(exchange.vaultRequest().vault(), exchange.pathParameter("name"), secret);
    answerBundle(exchange, created);
  }

  private void get(Exchange exchange) {
    SecretVersion version =
        secrets.get(
            exchange.vaultRequest().vault(), exchange.pathParameter("name"), version(exchange));
    // Judged after the read: Key Vault's refusal names the secret's own type, so a missing or
    // disabled secret answers 404 or 403 first.
    rejectOutContentType(exchange);
    answerBundle(exchange, version);
  }

  private void update(Exchange exchange) {
    SecretRequest body = SecretRequest.parse(exchange.body());
    MetadataChange change =
        new MetadataChange(
            body.hasContentType() ? Optional.of(body.contentType().orElse("")) : Optional.empty(),
            body.hasTags() ? Optional.of(body.tags()) : Optional.empty(),
            body.enabled(),
            body.time("nbf"),
            body.time("exp"));
    SecretVersion updated =
        secrets.update(
            exchange.vaultRequest().vault(),
            exchange.pathParameter("name"),
            version(exchange),
            change);
    answerBundle(exchange, updated);
  }

  private void delete(Exchange exchange) {
    DeletedSecret deleted =
        secrets.delete(exchange.vaultRequest().vault(), exchange.pathParameter("name"));
    exchange.json(200, Bodies.deleted(exchange.vaultRequest(), deleted));
  }

  private void getDeleted(Exchange exchange) {
    DeletedSecret deleted =
        secrets.getDeleted(exchange.vaultRequest().vault(), exchange.pathParameter("name"));
    exchange.json(200, Bodies.deleted(exchange.vaultRequest(), deleted));
  }

  private void recover(Exchange exchange) {
    SecretVersion recovered =
        secrets.recover(exchange.vaultRequest().vault(), exchange.pathParameter("name"));
    answerBundle(exchange, recovered);
  }

  private void purge(Exchange exchange) {
    secrets.purge(exchange.vaultRequest().vault(), exchange.pathParameter("name"));
    exchange.empty(204);
  }

  private void backup(Exchange exchange) {
    BackupBlob blob =
        new BackupBlob(
            secrets.backup(exchange.vaultRequest().vault(), exchange.pathParameter("name")));
    noStore(exchange);
    exchange.json(200, blob);
  }

  private void restore(Exchange exchange) {
    BackupBlob blob = Json.read(exchange.body(), BackupBlob.class);
    if (blob.value() == null || blob.value().isEmpty()) {
      throw new BadRequest("Property 'value' is required.");
    }
    answerBundle(exchange, secrets.restore(exchange.vaultRequest().vault(), blob.value()));
  }

  private void list(Exchange exchange) {
    VaultRequest request = exchange.vaultRequest();
    Page<SecretVersion> page =
        secrets.list(request.vault(), maxResults(exchange), skipToken(exchange));
    exchange.json(200, page(exchange, page, v -> Bodies.item(request, v, false)));
  }

  private void versions(Exchange exchange) {
    VaultRequest request = exchange.vaultRequest();
    Page<SecretVersion> page =
        secrets.listVersions(
            request.vault(),
            exchange.pathParameter("name"),
            maxResults(exchange),
            skipToken(exchange));
    exchange.json(200, page(exchange, page, v -> Bodies.item(request, v, true)));
  }

  private void listDeleted(Exchange exchange) {
    VaultRequest request = exchange.vaultRequest();
    Page<DeletedSecret> page =
        secrets.listDeleted(request.vault(), maxResults(exchange), skipToken(exchange));
    exchange.json(200, page(exchange, page, d -> Bodies.deletedItem(request, d)));
  }

  private static <T> SecretPage page(
      Exchange exchange, Page<T> page, Function<T, SecretItem> item) {
    List<SecretItem> items = page.items().stream().map(item).toList();
    return new SecretPage(
        items, page.nextToken().map(token -> nextLink(exchange, token)).orElse(null));
  }

  /**
   * The next page as Key Vault links it: the vault's URL with its port always named (Azure writes
   * {@code :443}), the api-version as sent, the token, and {@code maxresults} only when the client
   * sent it.
   */
  private static String nextLink(Exchange exchange, String token) {
    String vaultUrl = exchange.vaultRequest().ids().vaultUrl();
    String link =
        (EXPLICIT_PORT.matcher(vaultUrl).find() ? vaultUrl : vaultUrl + ":443")
            + exchange.path()
            + "?api-version="
            + exchange.vaultRequest().apiVersion().value()
            + "&$skiptoken="
            + token;
    return sentMaxResults(exchange) ? link + "&maxresults=" + maxResults(exchange) : link;
  }

  private static boolean sentMaxResults(Exchange exchange) {
    String raw = exchange.query("maxresults").orElse(null);
    return raw != null && !raw.isEmpty();
  }

  private static int maxResults(Exchange exchange) {
    if (!sentMaxResults(exchange)) {
      return MAX_RESULTS;
    }
    String raw = exchange.query("maxresults").orElse(null);
    try {
      int value = Integer.parseInt(raw);
      if (value >= 1 && value <= MAX_RESULTS) {
        return value;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new BadRequest("The value of maxresults must be an integer between 1 and 25.");
  }

  private static Optional<String> skipToken(Exchange exchange) {
    return Optional.ofNullable(exchange.query("$skiptoken").orElse(null)).filter(t -> !t.isEmpty());
  }

  /** Only secrets that back a certificate convert; Key Vault refuses the others in these words. */
  private static void rejectOutContentType(Exchange exchange) {
    String out = exchange.query("outContentType").orElse(null);
    if (out == null) {
      return;
    }
    String target =
        switch (out) {
          case "application/x-pem-file" -> "PEM";
          case "application/x-pkcs12" -> "PFX";
          default ->
              throw new BadRequest(
                  "outContentType must be application/x-pem-file or application/x-pkcs12.");
        };
    throw new BadRequest(
        "The 'Unsupported' to '"
            + target
            + "' transformation is not supported. Only PFX to PEM transformation is supported.");
  }

  private static String version(Exchange exchange) {
    String version = exchange.pathParameters().get("version");
    return version == null ? "" : version;
  }

  private static OptionalLong optional(Optional<Long> value) {
    return value.map(OptionalLong::of).orElse(OptionalLong.empty());
  }
}
