"""The Python credential paths that cannot be pointed anywhere, against Coffer in drop-in mode.

Run by compat/dropin/inside: Coffer answers under Azure's own names, and its identity agent
listens on Azure's IMDS address 169.254.169.254:80. Each credential is built exactly as for Azure.
Prints a table and a closing `N passed, N failed` line.
"""

import os
import sys
import uuid
from contextlib import contextmanager

from azure.core.exceptions import ClientAuthenticationError, HttpResponseError
from azure.identity import (
    ClientSecretCredential,
    DefaultAzureCredential,
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


def name(label):
    return f"id-{label}-{RUN}"


def writer():
    return SecretClient(
        VAULT_URL, ClientSecretCredential(TENANT, os.environ["AZURE_CLIENT_ID"], os.environ["AZURE_CLIENT_SECRET"]))


@contextmanager
def host_without_app_credentials():
    """A workload on an Azure host: none of the AZURE_* application variables are set."""
    saved = {k: os.environ.pop(k) for k in APP_ONLY if k in os.environ}
    try:
        yield
    finally:
        os.environ.update(saved)


def managed_identity_from_imds():
    writer().set_secret(name("mi"), "from-imds")
    with host_without_app_credentials():
        client = SecretClient(VAULT_URL, ManagedIdentityCredential())
        assert client.get_secret(name("mi")).value == "from-imds"


def default_credential_finds_imds():
    writer().set_secret(name("default"), "found")
    with host_without_app_credentials():
        client = SecretClient(VAULT_URL, DefaultAzureCredential(exclude_cli_credential=True,
                                                                exclude_developer_cli_credential=True,
                                                                exclude_powershell_credential=True))
        assert client.get_secret(name("default")).value == "found"


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
    managed_identity_is_a_secrets_user,
    username_password_in_the_tenant,
    username_password_without_a_tenant,
    wrong_password_is_refused,
    token_for_another_cloud_is_refused,
]


def main():
    from importlib.metadata import version

    return report.run("identity-dropin", f"azure-identity {version('azure-identity')}", SCENARIOS)


if __name__ == "__main__":
    sys.exit(main())
