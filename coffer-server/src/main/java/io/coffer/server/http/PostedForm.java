package io.coffer.server.http;

import io.coffer.server.CofferException;
import io.javalin.http.Context;
import jakarta.servlet.ServletException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpException;

/**
 * The fields of a posted form (token endpoint, sign-in form), first value of each. A body that
 * cannot be read as a form — a broken multipart body, a form over Jetty's size limit — is the
 * client's mistake: Javalin lets Jetty's {@link ServletException} through undeclared, which would
 * otherwise end as a 500.
 */
final class PostedForm {
  private PostedForm() {}

  /**
   * @param unreadable the refusal in the surface's own error shape
   */
  static Map<String, String> read(Context ctx, Supplier<? extends CofferException> unreadable) {
    Map<String, String> first = new HashMap<>();
    try {
      ctx.formParamMap()
          .forEach((name, values) -> {
            if (!values.isEmpty()) {
              first.put(name, values.get(0));
            }
          });
    } catch (Exception e) {
      if (isClientMistake(e)) {
        throw unreadable.get();
      }
      throw e;
    }
    return first;
  }

  /** One field, or empty when the form has none or cannot be read (for the audit trail). */
  static Optional<String> field(Context ctx, String name) {
    try {
      return Optional.ofNullable(ctx.formParam(name));
    } catch (Exception e) {
      if (isClientMistake(e)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** Jetty's 4xx for the body, thrown as is or wrapped in a {@link ServletException}. */
  private static boolean isClientMistake(Exception e) {
    Throwable cause = e instanceof ServletException ? e.getCause() : e;
    return cause instanceof HttpException http && http.getCode() >= 400 && http.getCode() < 500;
  }
}
