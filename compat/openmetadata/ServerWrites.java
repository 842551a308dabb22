import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.SecretClientBuilder;
import io.coffer.client.openmetadata.OpenMetadataSecrets;
import java.util.Optional;

/**
 * The OpenMetadata server's part, as far as secrets go: it stores a Postgres service's password in
 * the vault and keeps {@code secret:<id>} in the connection. Written with coffer-client's
 * OpenMetadataSecrets (the server's own classes do not resolve from Maven Central), once for the
 * cluster {@code openmetadata} and once with the prefix {@code om}. Prints one reference a line.
 *
 * <p>Env: VAULT_URL, AZURE_TENANT_ID/CLIENT_ID/CLIENT_SECRET (a writer: Secrets Officer), and
 * OM_PASSWORD, the value to store. Run by compat/openmetadata/suite.py.
 */
public class ServerWrites {
  public static void main(String[] args) {
    // As the server builds its client for Azure: the tenant, client id and secret, nothing else.
    SecretClient client =
        new SecretClientBuilder()
            .vaultUrl(System.getenv("VAULT_URL"))
            .credential(
                new ClientSecretCredentialBuilder()
                    .tenantId(System.getenv("AZURE_TENANT_ID"))
                    .clientId(System.getenv("AZURE_CLIENT_ID"))
                    .clientSecret(System.getenv("AZURE_CLIENT_SECRET"))
                    .build())
            .buildClient();
    for (Optional<String> prefix : java.util.List.of(Optional.<String>empty(), Optional.of("om"))) {
      OpenMetadataSecrets server =
          new OpenMetadataSecrets(
              client,
              prefix,
              "openmetadata",
              OpenMetadataSecrets.tagList("[Environment:dropin,Team:data]"));
      // The server walks the connection's fields: a nested object (authType) adds a part, then
      // the password field itself.
      String service = server.secretId("database", "postgres_prod");
      String name =
          OpenMetadataSecrets.fieldId(OpenMetadataSecrets.fieldId(service, "authType"), "password");
      System.out.println(server.store(name, System.getenv("OM_PASSWORD")));
    }
  }
}
