"""Coffer compatibility suite: the unmodified Azure SDK for Python against a running Coffer.

Reads the settings `coffer dev` writes (VAULT_URL, AZURE_*), runs each scenario, prints a table
and a closing `N passed, N failed` line; exits 1 if any scenario failed.
"""

import os
import sys
import uuid

import azure.identity
import azure.keyvault.secrets
from azure.core.exceptions import (
    ClientAuthenticationError,
    HttpResponseError,
    ResourceExistsError,
    ResourceNotFoundError,
)
from azure.identity import ClientSecretCredential, DefaultAzureCredential
from azure.keyvault.secrets import SecretClient

import report  # compat/report.py, on PYTHONPATH from compat/run

VAULT_URL = os.environ["VAULT_URL"]
# Drop-in: Coffer answers under Azure's own names, so credentials are built exactly as for Azure.
DROPIN = os.environ.get("COFFER_DROPIN") == "1"
AUTHORITY = None if DROPIN else os.environ["AZURE_AUTHORITY_HOST"]
RUN = uuid.uuid4().hex[:8]


def credential(secret=None):
    secret = secret or os.environ["AZURE_CLIENT_SECRET"]
    if DROPIN:
        return ClientSecretCredential(os.environ["AZURE_TENANT_ID"], os.environ["AZURE_CLIENT_ID"], secret)
    # Coffer under private names is not a Microsoft login host, so instance discovery is switched
    # off, as for any private authority (Azure Stack, sovereign clouds).
    return ClientSecretCredential(
        os.environ["AZURE_TENANT_ID"],
        os.environ["AZURE_CLIENT_ID"],
        secret,
        authority=AUTHORITY,
        disable_instance_discovery=True,
    )


CLIENT = SecretClient(VAULT_URL, credential())


def name(label):
    return f"py-{label}-{RUN}"


def set_and_get():
    created = CLIENT.set_secret(name("basic"), "from-python", content_type="text/plain", tags={"team": "data"})
    got = CLIENT.get_secret(name("basic"))
    assert got.value == "from-python", got.value
    assert got.properties.content_type == "text/plain"
    assert got.properties.tags == {"team": "data"}
    assert got.properties.version == created.properties.version
    assert got.id.startswith(VAULT_URL + "/secrets/")


def versions():
    first = CLIENT.set_secret(name("versions"), "one").properties.version
    CLIENT.set_secret(name("versions"), "two")
    assert CLIENT.get_secret(name("versions")).value == "two"
    assert CLIENT.get_secret(name("versions"), first).value == "one"
    listed = [p.version for p in CLIENT.list_properties_of_secret_versions(name("versions"))]
    assert len(listed) == 2 and first in listed, listed


def list_pages():
    for i in range(30):
        CLIENT.set_secret(f"{name('page')}-{i}", "v")
    names = [p.name for p in CLIENT.list_properties_of_secrets(max_page_size=7)]
    mine = [n for n in names if n.startswith(name("page"))]
    assert len(mine) == 30, len(mine)


def update_properties():
    CLIENT.set_secret(name("update"), "keep")
    props = CLIENT.update_secret_properties(name("update"), enabled=False, tags={"rotated": "yes"})
    assert props.enabled is False and props.tags == {"rotated": "yes"}
    try:
        CLIENT.get_secret(name("update"))
        raise AssertionError("a disabled secret was readable")
    except HttpResponseError as e:
        assert e.status_code == 403, e.status_code
    CLIENT.update_secret_properties(name("update"), enabled=True)
    assert CLIENT.get_secret(name("update")).value == "keep"


def delete_and_recover():
    CLIENT.set_secret(name("recover"), "back")
    deleted = CLIENT.begin_delete_secret(name("recover")).result()
    assert deleted.recovery_id.endswith("/deletedsecrets/" + name("recover"))
    assert CLIENT.get_deleted_secret(name("recover")).name == name("recover")
    assert name("recover") in [d.name for d in CLIENT.list_deleted_secrets()]
    CLIENT.begin_recover_deleted_secret(name("recover")).result()
    assert CLIENT.get_secret(name("recover")).value == "back"


def delete_and_purge():
    CLIENT.set_secret(name("purge"), "gone")
    CLIENT.begin_delete_secret(name("purge")).result()
    try:
        CLIENT.set_secret(name("purge"), "again")
        raise AssertionError("set on a deleted name succeeded")
    except ResourceExistsError:
        pass
    CLIENT.purge_deleted_secret(name("purge"))
    try:
        CLIENT.get_deleted_secret(name("purge"))
        raise AssertionError("purged secret still listed")
    except ResourceNotFoundError:
        pass


def backup_and_restore():
    CLIENT.set_secret(name("backup"), "saved")
    blob = CLIENT.backup_secret(name("backup"))
    CLIENT.begin_delete_secret(name("backup")).result()
    CLIENT.purge_deleted_secret(name("backup"))
    restored = CLIENT.restore_secret_backup(blob)
    assert restored.name == name("backup")
    assert CLIENT.get_secret(name("backup")).value == "saved"


def missing_secret_is_not_found():
    try:
        CLIENT.get_secret(name("absent"))
        raise AssertionError("absent secret was found")
    except ResourceNotFoundError:
        pass


def wrong_client_secret_is_refused():
    bad = credential("wrong-secret")
    try:
        SecretClient(VAULT_URL, bad).get_secret(name("basic"))
        raise AssertionError("a wrong client secret was accepted")
    except ClientAuthenticationError as e:
        assert "AADSTS7000215" in str(e), str(e)


def default_credential_from_environment():
    # The environment carries AZURE_TENANT_ID/CLIENT_ID/CLIENT_SECRET (and, under private names,
    # AZURE_AUTHORITY_HOST).
    default = DefaultAzureCredential() if DROPIN else DefaultAzureCredential(disable_instance_discovery=True)
    client = SecretClient(VAULT_URL, default)
    assert client.get_secret(name("basic")).value == "from-python"


SCENARIOS = [
    set_and_get,
    versions,
    list_pages,
    update_properties,
    delete_and_recover,
    delete_and_purge,
    backup_and_restore,
    missing_secret_is_not_found,
    wrong_client_secret_is_refused,
    default_credential_from_environment,
]


def main():
    header = (f"azure-identity {azure.identity.__version__}, "
              f"azure-keyvault-secrets {azure.keyvault.secrets.__version__}, Python {sys.version.split()[0]}")
    return report.run("python-dropin" if DROPIN else "python", header, SCENARIOS)


if __name__ == "__main__":
    sys.exit(main())
