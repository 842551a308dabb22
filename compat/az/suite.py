"""The az CLI against a running Coffer and a service-principal login.

Under private names: a registered custom cloud. The caller serves Coffer on port 443: the CLI
builds vault URLs as https://<vault><keyvault suffix> and a DNS suffix cannot carry a port.
Instance discovery is off through the CLI's own setting (AZURE_CORE_INSTANCE_DISCOVERY=false,
i.e. `az config set core.instance_discovery=false`), as for Azure Stack.
Drop-in (COFFER_DROPIN=1): the CLI's default cloud, untouched, against Coffer answering under
Azure's own names. Prints a table and a closing `N passed, N failed` line.
"""

import json
import os
import subprocess
import sys
import uuid

import report  # compat/report.py, on PYTHONPATH from compat/run

AZ = os.environ.get("AZ", "az")
RUN = uuid.uuid4().hex[:8]
NAME = f"az-{RUN}"
DROPIN = os.environ.get("COFFER_DROPIN") == "1"
VAULT_HOST = "main.vault.azure.net" if DROPIN else "main.vault.localhost"


def az(*args):
    result = subprocess.run([AZ, *args, "--only-show-errors"], capture_output=True, text=True, timeout=180)
    if result.returncode != 0:
        raise AssertionError(f"az {' '.join(args[:3])} failed: {result.stderr.strip().splitlines()[-1:]}")
    return json.loads(result.stdout) if result.stdout.strip().startswith(("{", "[")) else result.stdout.strip()


def register_cloud():
    authority = os.environ["AZURE_AUTHORITY_HOST"]
    az("cloud", "register", "--name", "Coffer", "--skip-endpoint-discovery",
       "--endpoint-resource-manager", authority + "/",
       "--endpoint-active-directory", authority,
       "--endpoint-active-directory-resource-id", "https://vault.localhost/",
       "--endpoint-active-directory-graph-resource-id", authority + "/",
       "--endpoint-management", authority + "/",
       "--suffix-keyvault-dns", ".vault.localhost")
    az("cloud", "set", "--name", "Coffer")


def login_service_principal():
    accounts = az("login", "--service-principal", "-u", os.environ["AZURE_CLIENT_ID"],
                  "-p", os.environ["AZURE_CLIENT_SECRET"], "--tenant", os.environ["AZURE_TENANT_ID"],
                  "--allow-no-subscriptions", "-o", "json")
    assert accounts[0]["tenantId"] == os.environ["AZURE_TENANT_ID"], accounts


def secret_set():
    result = az("keyvault", "secret", "set", "--vault-name", "main", "--name", NAME, "--value", "from-az", "-o", "json")
    assert result["value"] == "from-az", result
    assert result["id"].startswith(f"https://{VAULT_HOST}/secrets/{NAME}/"), result["id"]


def secret_show():
    result = az("keyvault", "secret", "show", "--vault-name", "main", "--name", NAME, "-o", "json")
    assert result["value"] == "from-az", result


def secret_list():
    result = az("keyvault", "secret", "list", "--vault-name", "main", "-o", "json")
    assert NAME in [item["name"] for item in result], [item["name"] for item in result][:5]


def secret_delete_and_purge():
    az("keyvault", "secret", "delete", "--vault-name", "main", "--name", NAME, "-o", "json")
    deleted = az("keyvault", "secret", "show-deleted", "--vault-name", "main", "--name", NAME, "-o", "json")
    assert deleted["recoveryId"].endswith("/deletedsecrets/" + NAME), deleted
    az("keyvault", "secret", "purge", "--vault-name", "main", "--name", NAME)


def default_cloud_is_untouched():
    clouds = az("cloud", "list", "-o", "json")
    active = [c["name"] for c in clouds if c.get("isActive")]
    assert active == ["AzureCloud"] and "Coffer" not in [c["name"] for c in clouds], clouds


SCENARIOS = ([default_cloud_is_untouched] if DROPIN else [register_cloud]) + [
    login_service_principal, secret_set, secret_show, secret_list, secret_delete_and_purge]


def main():
    version = subprocess.run([AZ, "version", "-o", "json"], capture_output=True, text=True).stdout
    header = f"azure-cli {json.loads(version).get('azure-cli', '?') if version.strip() else '?'}"
    return report.run("az-dropin" if DROPIN else "az", header, SCENARIOS)


if __name__ == "__main__":
    sys.exit(main())
