package io.coffer.cli.agent;

import com.azure.core.credential.TokenCredential;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.azure.security.keyvault.secrets.SecretClientBuilder;

/**
 * A workload in its own JVM: MSAL4J reads the managed-identity settings with System.getenv, so a
 * test sets them on a child process. Prints the secret's value, or the failure's type and message.
 *
 * <p>Arguments: {@code managed|default <vault-url> <secret-name> [client-id]}.
 */
public final class SdkWorkload {
  private SdkWorkload() {}

  public static void main(String[] args) {
    TokenCredential credential =
        switch (args[0]) {
          case "managed" -> {
            ManagedIdentityCredentialBuilder builder = new ManagedIdentityCredentialBuilder();
            if (args.length > 3) {
              builder.clientId(args[3]);
            }
            yield builder.build();
          }
          case "default" -> new DefaultAzureCredentialBuilder().build();
          default -> throw new IllegalArgumentException("managed or default, not " + args[0]);
        };
    try {
      String value =
          new SecretClientBuilder()
              .vaultUrl(args[1])
              .credential(credential)
              .buildClient()
              .getSecret(args[2])
              .getValue();
      System.out.println("VALUE " + value);
      System.exit(0);
    } catch (RuntimeException e) {
      System.out.println("FAILED " + e.getClass().getName() + ": " + e.getMessage());
      System.exit(1);
    }
  }
}
