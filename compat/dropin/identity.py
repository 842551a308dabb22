"""The Python credential paths that cannot be pointed anywhere, against Coffer in drop-in mode.

Run by compat/dropin/inside: Coffer answers under Azure's own names, and its identity agent
listens on Azure's IMDS address 169.254.169.254:80 and serves the App Service shape there too
(DROPIN_IDENTITY_ENDPOINT/HEADER, what agent.env says). The host has a system-assigned and a
user-assigned identity. Each credential is built exactly as for Azure; the interactive one opens
the browser named by BROWSER, a headless Chromium that signs in as Ada would.
Prints a table and a closing `N passed, N failed` line.
"""

import base64
import json
import os
import sys
import uuid
from contextlib import contextmanager

from azure.core.exceptions import ClientAuthenticationError, HttpResponseError
from azure.identity import (
    ClientSecretCredential,
    DefaultAzureCredential,
    InteractiveBrowserCredential,
    ManagedIdentityCredential,
    UsernamePasswordCredential,
)
from azure.keyvault.secrets import SecretClient

import report  # compat/report.py, on PYTHONPATH

VAULT_URL = os.environ["VAULT_URL"]
TENANT = os.environ["AZURE_TENANT_ID"]
RUN = uuid.uuid4().hex[:8]
# The Azure CLI's public client id: what azure-identity's user credentials use by default.
CLI_CLIENT_ID = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
APP_ONLY = ("AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET")
SYSTEM_IDENTITY = os.environ["DROPIN_SYSTEM_IDENTITY_ID"]
USER_IDENTITY = os.environ["DROPIN_USER_IDENTITY_ID"]
VAULT_SCOPE = "https://vault.azure.net/.default"
# DefaultAzureCredential without the developer tools a CI host may or may not have.
NO_DEV_TOOLS = dict(exclude_cli_credential=True, exclude_developer_cli_credential=True,
                    exclude_powershell_credential=True)


def name(label):
    return f"id-{label}-{RUN}"


# dev.env's application (a Secrets Officer) writes what the identities then read; kept before any
# scenario takes the AZURE_* variables away.
WRITER = SecretClient(
    VAULT_URL, ClientSecretCredential(TENANT, os.environ["AZURE_CLIENT_ID"], os.environ["AZURE_CLIENT_SECRET"]))


def writer():
    return WRITER


@contextmanager
def host_without_app_credentials(**extra):
    """A workload on an Azure host: none of the AZURE_* application variables are set, and
    whatever the host kind sets (`extra`) is."""
    saved = {k: os.environ.pop(k) for k in APP_ONLY if k in os.environ}
    os.environ.update(extra)
    try:
        yield
    finally:
        for k in extra:
            os.environ.pop(k, None)
        os.environ.update(saved)


def app_service(header=None):
    """An App Service host: IDENTITY_ENDPOINT and IDENTITY_HEADER, as the agent's agent.env gives them."""
    return host_without_app_credentials(IDENTITY_ENDPOINT=os.environ["DROPIN_IDENTITY_ENDPOINT"],
                                        IDENTITY_HEADER=header or os.environ["DROPIN_IDENTITY_HEADER"])


def claims(credential):
    """The claims of the vault token the credential gets: whose token it is. Asked as SecretClient
    asks (CAE on), so that the client then finds the same token in the credential's cache."""
    payload = credential.get_token(VAULT_SCOPE, enable_cae=True).token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def reads_as(credential, client_id, label):
    """The credential's token is the identity's own, and it reads a secret with it."""
    appid = claims(credential)["appid"]
    assert appid == client_id, appid
    writer().set_secret(name(label), client_id)
    assert SecretClient(VAULT_URL, credential).get_secret(name(label)).value == client_id


def managed_identity_from_imds():
    # No client id: the host's system-assigned identity.
    with host_without_app_credentials():
        reads_as(ManagedIdentityCredential(), SYSTEM_IDENTITY, "mi")


def default_credential_finds_imds():
    with host_without_app_credentials():
        reads_as(DefaultAzureCredential(**NO_DEV_TOOLS), SYSTEM_IDENTITY, "default")


def user_assigned_from_imds():
    with host_without_app_credentials():
        reads_as(ManagedIdentityCredential(client_id=USER_IDENTITY), USER_IDENTITY, "mi-user")


def default_credential_user_assigned_from_imds():
    with host_without_app_credentials():
        credential = DefaultAzureCredential(managed_identity_client_id=USER_IDENTITY, **NO_DEV_TOOLS)
        reads_as(credential, USER_IDENTITY, "default-user")


def managed_identity_from_app_service():
    with app_service():
        reads_as(ManagedIdentityCredential(), SYSTEM_IDENTITY, "appsvc")


def user_assigned_from_app_service():
    with app_service():
        reads_as(ManagedIdentityCredential(client_id=USER_IDENTITY), USER_IDENTITY, "appsvc-user")


def default_credential_user_assigned_from_app_service():
    with app_service():
        credential = DefaultAzureCredential(managed_identity_client_id=USER_IDENTITY, **NO_DEV_TOOLS)
        reads_as(credential, USER_IDENTITY, "appsvc-default-user")


def app_service_refuses_a_wrong_header():
    # The App Service endpoint, not IMDS, answered above: without its header there is no token.
    with app_service(header="not-the-header"):
        try:
            ManagedIdentityCredential().get_token(VAULT_SCOPE)
            raise AssertionError("a token without the identity header")
        except ClientAuthenticationError as e:
            # The agent's App Service endpoint refused it (IMDS would not have asked for the header).
            assert "X-IDENTITY-HEADER" in str(e), str(e)


def interactive_browser_sign_in():
    # The SDK's own flow: it opens BROWSER (headless Chromium signing in as Ada) on Coffer's
    # sign-in page at login.microsoftonline.com and takes the code at its loopback redirect.
    credential = InteractiveBrowserCredential(tenant_id=TENANT, timeout=90)
    assert claims(credential)["upn"] == os.environ["DROPIN_USER"]
    client = SecretClient(VAULT_URL, credential)
    client.set_secret(name("browser"), "signed-in")
    assert client.get_secret(name("browser")).value == "signed-in"


def managed_identity_is_a_secrets_user():
    with host_without_app_credentials():
        client = SecretClient(VAULT_URL, ManagedIdentityCredential())
        try:
            client.set_secret(name("mi-write"), "no")
            raise AssertionError("a Secrets User wrote a secret")
        except HttpResponseError as e:
            assert e.status_code == 403, e.status_code


def username_password_in_the_tenant():
    credential = UsernamePasswordCredential(
        CLI_CLIENT_ID, os.environ["DROPIN_USER"], os.environ["DROPIN_PASSWORD"], tenant_id=TENANT)
    client = SecretClient(VAULT_URL, credential)
    client.set_secret(name("ropc"), "by-ada")
    assert client.get_secret(name("ropc")).value == "by-ada"


def username_password_without_a_tenant():
    # No tenant: azure-identity starts on `organizations` and follows the vault's challenge to the
    # account's tenant.
    credential = UsernamePasswordCredential(CLI_CLIENT_ID, os.environ["DROPIN_USER"], os.environ["DROPIN_PASSWORD"])
    writer().set_secret(name("org"), "any-tenant")
    assert SecretClient(VAULT_URL, credential).get_secret(name("org")).value == "any-tenant"


def wrong_password_is_refused():
    credential = UsernamePasswordCredential(
        CLI_CLIENT_ID, os.environ["DROPIN_USER"], "not the passphrase", tenant_id=TENANT)
    try:
        SecretClient(VAULT_URL, credential).get_secret(name("ropc"))
        raise AssertionError("a wrong password was accepted")
    except ClientAuthenticationError as e:
        assert "AADSTS50126" in str(e), str(e)


def token_for_another_cloud_is_refused():
    # A token Coffer issues is for this cloud's vaults only; another cloud's audience is unknown.
    credential = ClientSecretCredential(TENANT, os.environ["AZURE_CLIENT_ID"], os.environ["AZURE_CLIENT_SECRET"])
    try:
        credential.get_token("https://vault.usgovcloudapi.net/.default")
        raise AssertionError("a token for another cloud's vaults was issued")
    except ClientAuthenticationError as e:
        assert "AADSTS500011" in str(e), str(e)


SCENARIOS = [
    managed_identity_from_imds,
    default_credential_finds_imds,
    user_assigned_from_imds,
    default_credential_user_assigned_from_imds,
    managed_identity_from_app_service,
    user_assigned_from_app_service,
    default_credential_user_assigned_from_app_service,
    app_service_refuses_a_wrong_header,
    managed_identity_is_a_secrets_user,
    username_password_in_the_tenant,
    username_password_without_a_tenant,
    wrong_password_is_refused,
    token_for_another_cloud_is_refused,
]
# CI installs chromium (.ci/run); only a developer machine may lack it.
if os.path.exists("/usr/bin/chromium") or os.environ.get("CI") == "true":
    SCENARIOS.append(interactive_browser_sign_in)
else:
    print("identity-dropin: interactive_browser_sign_in skipped: chromium is not installed (apt-get install chromium)")


def main():
    from importlib.metadata import version

    return report.run("identity-dropin", f"azure-identity {version('azure-identity')}", SCENARIOS)


if __name__ == "__main__":
    sys.exit(main())
