"""A Fivetran Connector SDK connector reading its database credentials from Coffer in drop-in mode.

Run by compat/dropin/inside in the fivetran venv. The dev principal (a Secrets Officer) writes
postgresHost/Port/Database/User/Password; the connector in compat/fivetran/connector reads them as
the Secrets User application named in its configuration.json, connects to the namespace's real
PostgreSQL and upserts one row, all under `fivetran debug` run as its docs say (in the connector's
folder, venv activated, DO_NOT_TRACK=1). The row is then read from the DuckDB file it wrote.
Prints a table and a closing `N passed, N failed` line.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

import duckdb
from azure.core.exceptions import HttpResponseError
from azure.identity import ClientSecretCredential
from azure.keyvault.secrets import SecretClient

import report  # compat/report.py, on PYTHONPATH

HERE = os.path.dirname(os.path.abspath(__file__))
VAULT_URL = os.environ["VAULT_URL"]
TENANT = os.environ["AZURE_TENANT_ID"]
READER = (os.environ["DROPIN_READER_ID"], os.environ["DROPIN_READER_SECRET"])
DATABASE = {
    "postgresHost": os.environ["DROPIN_PG_HOST"],
    "postgresPort": os.environ["DROPIN_PG_PORT"],
    "postgresDatabase": os.environ["DROPIN_PG_DATABASE"],
    "postgresUser": "fivetran",
    "postgresPassword": os.environ["DROPIN_PG_FIVETRAN_PASSWORD"],
}
# The connector's folder, copied: `fivetran debug` writes files/ and configuration.json there.
PROJECT = os.path.join(tempfile.mkdtemp(prefix="coffer-fivetran-"), "connector")


def dev_writes_the_database_settings():
    writer = SecretClient(VAULT_URL, ClientSecretCredential(
        TENANT, os.environ["AZURE_CLIENT_ID"], os.environ["AZURE_CLIENT_SECRET"]))
    for name, value in DATABASE.items():
        writer.set_secret(name, value)


def connector_principal_cannot_write():
    # Least privilege: the principal in configuration.json reads; it cannot change what it reads.
    reader = SecretClient(VAULT_URL, ClientSecretCredential(TENANT, *READER))
    try:
        reader.set_secret("postgresPassword", "overwritten")
        raise AssertionError("the connector's principal wrote a secret")
    except HttpResponseError as e:
        assert e.status_code == 403, e.status_code


def fivetran_debug_runs_the_connector():
    shutil.copytree(os.path.join(HERE, "connector"), PROJECT)
    with open(os.path.join(PROJECT, "configuration.json"), "w") as f:
        json.dump({"tenant_id": TENANT, "client_id": READER[0], "client_secret": READER[1],
                   "vault_url": "https://main.vault.azure.net"}, f, indent=2)
    # Only configuration.json says who the connector is: no AZURE_* credentials in its environment.
    env = {k: v for k, v in os.environ.items() if not k.startswith("AZURE_")}
    env.update(DO_NOT_TRACK="1", HOME=os.path.dirname(PROJECT))
    venv = os.path.dirname(os.path.dirname(sys.executable))
    result = subprocess.run(
        ["bash", "-c", f'. "{venv}/bin/activate" && fivetran debug'],
        cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
    assert result.returncode == 0, (result.stdout + result.stderr).strip().splitlines()[-1:]


def warehouse_holds_the_row():
    with duckdb.connect(os.path.join(PROJECT, "files", "warehouse.db"), read_only=True) as db:
        rows = db.execute(
            "SELECT id, host, database, connected_at::varchar, db_version FROM tester.database_info").fetchall()
    assert len(rows) == 1, rows
    row_id, host, database, connected_at, version = rows[0]
    assert row_id == f"{DATABASE['postgresHost']}:{DATABASE['postgresPort']}/{DATABASE['postgresDatabase']}", row_id
    assert host == DATABASE["postgresHost"] and database == DATABASE["postgresDatabase"], (host, database)
    assert version.startswith("PostgreSQL "), version
    assert connected_at, connected_at


def state_is_checkpointed():
    with open(os.path.join(PROJECT, "files", "state.json")) as f:
        state = json.load(f)
    assert "last_connected_at" in json.dumps(state), state


SCENARIOS = [
    dev_writes_the_database_settings,
    connector_principal_cannot_write,
    fivetran_debug_runs_the_connector,
    warehouse_holds_the_row,
    state_is_checkpointed,
]


def main():
    from importlib.metadata import version

    header = (f"fivetran-connector-sdk {version('fivetran-connector-sdk')}, duckdb {version('duckdb')}, "
              f"azure-identity {version('azure-identity')}, azure-keyvault-secrets {version('azure-keyvault-secrets')}")
    try:
        return report.run("fivetran-dropin", header, SCENARIOS)
    finally:
        shutil.rmtree(os.path.dirname(PROJECT), ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
