"""OpenMetadata's own Azure Key Vault secrets manager against Coffer in drop-in mode.

Run by compat/dropin/inside in the openmetadata-ingestion venv. The server's part (storing a
Postgres service's password and keeping `secret:<id>` in the connection) is played by
coffer-client's OpenMetadataSecrets (ServerWrites.java); ingestion's part is OpenMetadata's own
code, unmodified (resolve.py), once per provider and loader, each in its own process since the
secrets manager is a process-wide singleton. Ingestion reads as the Secrets User application.
Prints a table and a closing `N passed, N failed` line.
"""

import json
import os
import subprocess
import sys
import tempfile

from azure.identity import ClientSecretCredential
from azure.keyvault.secrets import SecretClient

import report  # compat/report.py, on PYTHONPATH

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TENANT = os.environ["AZURE_TENANT_ID"]
PASSWORD = os.environ["DROPIN_PG_OPENMETADATA_PASSWORD"]
# OpenMetadata's server rule on Azure: cluster (with the prefix glued on), service type, service
# name, then each field on the way to the password; '-' between, lower case, [A-Za-z0-9-] only.
PLAIN = "secret:openmetadata-database-postgresprod-authtype-password"
PREFIXED = "secret:omopenmetadata-database-postgresprod-authtype-password"
# What a Secrets User application needs, given to ingestion and nothing more.
READER = (os.environ["DROPIN_READER_ID"], os.environ["DROPIN_READER_SECRET"])
AZURE_APP = ("AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_TENANT_ID")


def server_stores_the_passwords():
    """ServerWrites.java, as the dev principal (a Secrets Officer), prints the references it keeps."""
    lib = os.path.join(ROOT, "coffer-cli", "target")
    result = subprocess.run(
        ["java", "-cp", f"{lib}/lib/*:{lib}/coffer-cli.jar", os.path.join(HERE, "ServerWrites.java")],
        env=dict(os.environ, OM_PASSWORD=PASSWORD), capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr.strip().splitlines()[-3:]
    assert result.stdout.split() == [PLAIN, PREFIXED], result.stdout
    # The tags the server configures travel with the secret; the reader sees them.
    reader = SecretClient(os.environ["VAULT_URL"], ClientSecretCredential(TENANT, *READER))
    secret = reader.get_secret(PLAIN.removeprefix("secret:"))
    assert secret.properties.tags == {"Environment": "dropin", "Team": "data"}, secret.properties.tags


def env_loader_environment():
    """Loader `env`: only AZURE_KEY_VAULT_NAME, then DefaultAzureCredential from the AZURE_* variables."""
    return dict(os.environ, AZURE_KEY_VAULT_NAME="main", AZURE_TENANT_ID=TENANT,
                AZURE_CLIENT_ID=READER[0], AZURE_CLIENT_SECRET=READER[1])


def airflow_loader_environment(home):
    """Loader `airflow`: the [openmetadata_secrets_manager] section of airflow.cfg, no AZURE_* at all."""
    with open(os.path.join(home, "airflow.cfg"), "w") as f:
        f.write("[openmetadata_secrets_manager]\n"
                "azure_key_vault_name = main\n"
                f"azure_tenant_id = {TENANT}\n"
                f"azure_client_id = {READER[0]}\n"
                f"azure_client_secret = {READER[1]}\n")
    os.chmod(os.path.join(home, "airflow.cfg"), 0o600)
    env = {k: v for k, v in os.environ.items() if k not in AZURE_APP}
    env["AIRFLOW_HOME"] = home
    return env


# One ingestion process per provider and loader, all started together once the server has written
# (each spends most of its time importing ingestion; two cores take them two at a time).
COMBINATIONS = [(p, l) for p in ("azure-kv", "managed-azure-kv") for l in ("env", "airflow")]
HOMES = tempfile.TemporaryDirectory()
RUNNING = {}


def resolved(provider, loader):
    """resolve.py's answer for one combination: ingestion's own parser, secrets manager, connector."""
    if not RUNNING:
        for p, l in COMBINATIONS:
            if l == "env":
                env = env_loader_environment()
            else:
                env = airflow_loader_environment(tempfile.mkdtemp(dir=HOMES.name))
            # Files, not pipes: a process is not held up by a full pipe while another is read.
            out, err = (tempfile.TemporaryFile("w+") for _ in range(2))
            process = subprocess.Popen(
                [sys.executable, os.path.join(HERE, "resolve.py"), p, l, PLAIN, PREFIXED],
                env=env, stdout=out, stderr=err, text=True)
            RUNNING[(p, l)] = (process, out, err)
    process, out, err = RUNNING[(provider, loader)]
    process.wait(timeout=600)
    out.seek(0)
    err.seek(0)
    assert process.returncode == 0, err.read().strip().splitlines()[-3:]
    entries = json.loads(out.read().strip().splitlines()[-1])
    for entry in entries:
        # A reference that did not resolve comes back as itself (ingestion logs and goes on), and
        # the connection would then be refused: both prove the value came from the vault.
        assert entry["value"] == PASSWORD, (entry["reference"], entry["value"][:12])
        assert entry["user"] == "openmetadata", entry
        assert entry["manager"] == "AzureKVSecretsManager", entry
        # Without AZURE_* a DefaultAzureCredential would reach the host's managed identity: the
        # airflow loader must have built ClientSecretCredential from airflow.cfg.
        expected = "DefaultAzureCredential" if loader == "env" else "ClientSecretCredential"
        assert entry["credential"] == expected, entry
    assert [e["reference"] for e in entries] == [PLAIN, PREFIXED], entries


def azure_kv_env_loader():
    resolved("azure-kv", "env")


def azure_kv_airflow_loader():
    resolved("azure-kv", "airflow")


def managed_azure_kv_env_loader():
    resolved("managed-azure-kv", "env")


def managed_azure_kv_airflow_loader():
    resolved("managed-azure-kv", "airflow")


SCENARIOS = [
    server_stores_the_passwords,
    azure_kv_env_loader,
    azure_kv_airflow_loader,
    managed_azure_kv_env_loader,
    managed_azure_kv_airflow_loader,
]


def main():
    from importlib.metadata import version

    header = (f"openmetadata-ingestion {version('openmetadata-ingestion')}, azure-identity "
              f"{version('azure-identity')}, azure-keyvault-secrets {version('azure-keyvault-secrets')}")
    return report.run("openmetadata-dropin", header, SCENARIOS)


if __name__ == "__main__":
    sys.exit(main())
