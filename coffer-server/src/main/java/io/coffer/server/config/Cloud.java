package io.coffer.server.config;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One Azure cloud's public names. Under {@code --cloud} Coffer answers as that cloud's Key Vault,
 * Entra ID and Resource Manager, on a network whose name resolution and CA trust the operator
 * points at Coffer, so that tools which hard-code those names work unmodified.
 *
 * @param cliName the name {@code az cloud list} and the SDKs' environment settings use
 * @param vaultDomain vaults are {@code <vault>.<vaultDomain>}; the vault resource is its https URL
 * @param loginHost the token service clients ask first ({@code preferred_network})
 * @param loginAliases the other host names Entra answers on for this cloud, as instance discovery
 *     lists them
 * @param managementHost Azure Resource Manager
 * @param managementAudiences the resources a Resource Manager token may be issued for: the classic
 *     one {@code az login} asks for, and the ARM URL itself
 * @param instanceName the {@code cloud_instance_name} Entra's documents carry
 */
public record Cloud(
    String cliName,
    String vaultDomain,
    String loginHost,
    List<String> loginAliases,
    String managementHost,
    List<String> managementAudiences,
    String instanceName) {

  public static final Cloud AZURE_CLOUD =
      new Cloud(
          "AzureCloud",
          "vault.azure.net",
          "login.microsoftonline.com",
          List.of("login.windows.net", "login.microsoft.com", "sts.windows.net"),
          "management.azure.com",
          List.of("https://management.core.windows.net", "https://management.azure.com"),
          "microsoftonline.com");

  public static final Cloud AZURE_US_GOVERNMENT =
      new Cloud(
          "AzureUSGovernment",
          "vault.usgovcloudapi.net",
          "login.microsoftonline.us",
          List.of("login.usgovcloudapi.net"),
          "management.usgovcloudapi.net",
          List.of(
              "https://management.core.usgovcloudapi.net", "https://management.usgovcloudapi.net"),
          "microsoftonline.us");

  public static final Cloud AZURE_CHINA_CLOUD =
      new Cloud(
          "AzureChinaCloud",
          "vault.azure.cn",
          "login.chinacloudapi.cn",
          List.of("login.partner.microsoftonline.cn"),
          "management.chinacloudapi.cn",
          List.of(
              "https://management.core.chinacloudapi.cn", "https://management.chinacloudapi.cn"),
          "partner.microsoftonline.cn");

  private static final List<Cloud> ALL =
      List.of(AZURE_CLOUD, AZURE_US_GOVERNMENT, AZURE_CHINA_CLOUD);

  public Cloud {
    loginAliases = List.copyOf(loginAliases);
    managementAudiences = List.copyOf(managementAudiences);
  }

  /**
   * The cloud {@code --cloud} names, case-insensitively.
   *
   * @throws ConfigException naming the known clouds
   */
  public static Cloud named(String name) {
    return ALL.stream()
        .filter(c -> c.cliName.equalsIgnoreCase(name.strip()))
        .findFirst()
        .orElseThrow(() ->
            new ConfigException(
                "cloud",
                "'" + name + "' is not a cloud Coffer can answer for",
                "use one of "
                    + ALL.stream().map(Cloud::cliName).collect(Collectors.joining(", "))));
  }

  /** Every cloud Coffer can answer for. */
  public static List<Cloud> all() {
    return ALL;
  }

  /** Every login host of this cloud, the preferred one first. */
  public List<String> loginHosts() {
    return Stream.concat(Stream.of(loginHost), loginAliases.stream()).toList();
  }

  /** The fixed host names this cloud mode claims; vaults add {@code *.<vaultDomain>}. */
  public List<String> serviceHosts() {
    return Stream.concat(loginHosts().stream(), Stream.of(managementHost)).toList();
  }

  /** For logs and errors. */
  @Override
  public String toString() {
    return cliName;
  }
}
