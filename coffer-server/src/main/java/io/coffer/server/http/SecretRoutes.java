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
import io.coffer.wire.SecretItem;
import io.coffer.wire.SecretPage;
import io.coffer.wire.SecretRequest;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
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

  void register(RoutesConfig routes) {
    routes.get("/secrets", this::list, Requires.onVault(Action.READ_METADATA));
    routes.post("/secrets/restore", this::restore, Requires.onVault(Action.RESTORE));
    routes.get("/secrets/{name}/versions", this::versions, Requires.onSecret(Action.READ_METADATA));
    routes.post("/secrets/{name}/backup", this::backup, Requires.onSecret(Action.BACKUP));
    routes.get("/secrets/{name}", this::get, Requires.onSecret(Action.GET_SECRET));
    routes.get("/secrets/{name}/{version}", this::get, Requires.onSecret(Action.GET_SECRET));
    routes.put("/secrets/{name}", this::set, Requires.onSecret(Action.SET_SECRET));
    routes.patch("/secrets/{name}", this::update, Requires.onSecret(Action.UPDATE));
    routes.patch("/secrets/{name}/{version}", this::update, Requires.onSecret(Action.UPDATE));
    routes.delete("/secrets/{name}", this::delete, Requires.onSecret(Action.DELETE));
    routes.get("/deletedsecrets", this::listDeleted, Requires.onVault(Action.READ_METADATA));
    routes.get("/deletedsecrets/{name}", this::getDeleted, Requires.onSecret(Action.READ_METADATA));
    routes.delete("/deletedsecrets/{name}", this::purge, Requires.onSecret(Action.PURGE));
    routes.post("/deletedsecrets/{name}/recover", this::recover, Requires.onSecret(Action.RECOVER));
  }

  private void set(Context ctx) {
    SecretRequest body = SecretRequest.parse(ctx.bodyAsBytes());
    NewSecret secret =
        new NewSecret(
            new SecretValue(
                body.value().orElseThrow(() -> new BadRequest("Property 'value' is required."))),
            body.contentType(),
            body.tags(),
            body.enabled().orElse(true),
            optional(body.time("nbf")),
            optional(body.time("exp")));
    SecretVersion created = secrets.set(request(ctx).vault(), ctx.pathParam("name"), secret);
    ok(ctx, Bodies.bundle(request(ctx), created));
  }

  private void get(Context ctx) {
    SecretVersion version = secrets.get(request(ctx).vault(), ctx.pathParam("name"), version(ctx));
    // Judged after the read: Key Vault's refusal names the secret's own type, so a missing or
    // disabled secret answers 404 or 403 first.
    rejectOutContentType(ctx);
    ok(ctx, Bodies.bundle(request(ctx), version));
  }

  private void update(Context ctx) {
    SecretRequest body = SecretRequest.parse(ctx.bodyAsBytes());
    MetadataChange change =
        new MetadataChange(
            body.hasContentType() ? Optional.of(body.contentType().orElse("")) : Optional.empty(),
            body.hasTags() ? Optional.of(body.tags()) : Optional.empty(),
            body.enabled(),
            body.time("nbf"),
            body.time("exp"));
    SecretVersion updated =
        secrets.update(request(ctx).vault(), ctx.pathParam("name"), version(ctx), change);
    ok(ctx, Bodies.bundle(request(ctx), updated));
  }

  private void delete(Context ctx) {
    DeletedSecret deleted = secrets.delete(request(ctx).vault(), ctx.pathParam("name"));
    ok(ctx, Bodies.deleted(request(ctx), deleted));
  }

  private void getDeleted(Context ctx) {
    DeletedSecret deleted = secrets.getDeleted(request(ctx).vault(), ctx.pathParam("name"));
    ok(ctx, Bodies.deleted(request(ctx), deleted));
  }

  private void recover(Context ctx) {
    SecretVersion recovered = secrets.recover(request(ctx).vault(), ctx.pathParam("name"));
    ok(ctx, Bodies.bundle(request(ctx), recovered));
  }

  private void purge(Context ctx) {
    secrets.purge(request(ctx).vault(), ctx.pathParam("name"));
    ctx.status(204);
    Headers.untyped(ctx);
  }

  private void backup(Context ctx) {
    ok(ctx, new BackupBlob(secrets.backup(request(ctx).vault(), ctx.pathParam("name"))));
  }

  private void restore(Context ctx) {
    BackupBlob blob = Json.read(ctx.bodyAsBytes(), BackupBlob.class);
    if (blob.value() == null || blob.value().isEmpty()) {
      throw new BadRequest("Property 'value' is required.");
    }
    ok(ctx, Bodies.bundle(request(ctx), secrets.restore(request(ctx).vault(), blob.value())));
  }

  private void list(Context ctx) {
    VaultRequest request = request(ctx);
    Page<SecretVersion> page = secrets.list(request.vault(), maxResults(ctx), skipToken(ctx));
    ok(ctx, page(ctx, page, v -> Bodies.item(request, v, false)));
  }

  private void versions(Context ctx) {
    VaultRequest request = request(ctx);
    Page<SecretVersion> page =
        secrets.listVersions(
            request.vault(), ctx.pathParam("name"), maxResults(ctx), skipToken(ctx));
    ok(ctx, page(ctx, page, v -> Bodies.item(request, v, true)));
  }

  private void listDeleted(Context ctx) {
    VaultRequest request = request(ctx);
    Page<DeletedSecret> page =
        secrets.listDeleted(request.vault(), maxResults(ctx), skipToken(ctx));
    ok(ctx, page(ctx, page, d -> Bodies.deletedItem(request, d)));
  }

  private static <T> SecretPage page(Context ctx, Page<T> page, Function<T, SecretItem> item) {
    List<SecretItem> items = page.items().stream().map(item).toList();
    return new SecretPage(items, page.nextToken().map(token -> nextLink(ctx, token)).orElse(null));
  }

  /**
   * The next page as Key Vault links it: the vault's URL with its port always named (Azure writes
   * {@code :443}), the api-version as sent, the token, and {@code maxresults} only when the client
   * sent it.
   */
  private static String nextLink(Context ctx, String token) {
    String vaultUrl = request(ctx).ids().vaultUrl();
    String link =
        (EXPLICIT_PORT.matcher(vaultUrl).find() ? vaultUrl : vaultUrl + ":443")
            + ctx.path()
            + "?api-version="
            + request(ctx).apiVersion().value()
            + "&$skiptoken="
            + token;
    return sentMaxResults(ctx) ? link + "&maxresults=" + maxResults(ctx) : link;
  }

  private static boolean sentMaxResults(Context ctx) {
    String raw = ctx.queryParam("maxresults");
    return raw != null && !raw.isEmpty();
  }

  private static int maxResults(Context ctx) {
    if (!sentMaxResults(ctx)) {
      return MAX_RESULTS;
    }
    String raw = ctx.queryParam("maxresults");
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

  private static Optional<String> skipToken(Context ctx) {
    return Optional.ofNullable(ctx.queryParam("$skiptoken")).filter(t -> !t.isEmpty());
  }

  /** Only secrets that back a certificate convert; Key Vault refuses the others in these words. */
  private static void rejectOutContentType(Context ctx) {
    String out = ctx.queryParam("outContentType");
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

  private static String version(Context ctx) {
    String version = ctx.pathParamMap().get("version");
    return version == null ? "" : version;
  }

  private static VaultRequest request(Context ctx) {
    return ctx.attribute(VaultRequest.ATTRIBUTE);
  }

  private static OptionalLong optional(Optional<Long> value) {
    return value.map(OptionalLong::of).orElse(OptionalLong.empty());
  }

  private static void ok(Context ctx, Object body) {
    Failures.write(ctx, 200, body);
  }
}
