"""Airflow's real AzureKeyVaultBackend against a running Coffer, configured as a deployment does.

AIRFLOW__SECRETS__BACKEND and AIRFLOW__SECRETS__BACKEND_KWARGS are set by the caller; the backend
builds ClientSecretCredential(tenant_id, client_id, client_secret) itself, with no authority
option. Under Coffer's private names it is reached with AZURE_AUTHORITY_HOST and the tenant name
`adfs` (the one name MSAL accepts on a non-Microsoft authority without instance discovery); in
the drop-in pass (COFFER_DROPIN=1) with a real tenant id and nothing else. Secrets are written with
`coffer secret set` (the official Java SDK), under the names Airflow looks up.
"""

import json
import os
import subprocess
import sys
import uuid

import report  # compat/report.py, on PYTHONPATH from compat/run

RUN = uuid.uuid4().hex[:8]
HERE = os.path.dirname(os.path.abspath(__file__))


def write(name, value):
    """`coffer secret set`, with the dev tenant's id (the Java SDK has no `adfs` special case)."""
    env = dict(os.environ, AZURE_TENANT_ID=os.environ["COFFER_WRITER_TENANT_ID"])
    result = subprocess.run(
        [os.environ["COFFER"], "secret", "set", "--name", name, "--value-file", "-"],
        input=value, capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr.strip().splitlines()[-1:]


def configured_backend():
    from airflow.configuration import initialize_secrets_backends

    backend = initialize_secrets_backends()[0]
    assert type(backend).__name__ == "AzureKeyVaultBackend", type(backend).__name__
    return backend


def backend_with(**overrides):
    from airflow.providers.microsoft.azure.secrets.key_vault import AzureKeyVaultBackend

    kwargs = json.loads(os.environ["AIRFLOW__SECRETS__BACKEND_KWARGS"])
    kwargs.update(overrides)
    backend = AzureKeyVaultBackend(**kwargs)
    from airflow.models import Connection

    backend._set_connection_class(Connection)
    return backend


def connection_as_uri():
    conn_id = f"warehouse_{RUN}"
    write(f"airflow-connections-warehouse-{RUN}", "postgresql://etl:s3cret@db.internal:5432/dwh")
    connection = configured_backend().get_connection(conn_id)
    assert connection.host == "db.internal", connection.host
    assert connection.login == "etl" and connection.password == "s3cret"
    assert connection.port == 5432 and connection.schema == "dwh"


def connection_as_json():
    conn_id = f"api_{RUN}"
    write(
        f"airflow-connections-api-{RUN}",
        json.dumps({"conn_type": "http", "host": "api.internal", "login": "svc", "password": "pw", "port": 8443}),
    )
    connection = configured_backend().get_connection(conn_id)
    assert connection.conn_type == "http" and connection.host == "api.internal", connection.host
    assert connection.password == "pw" and connection.port == 8443


def variable():
    write(f"airflow-variables-batch-size-{RUN}", "500")
    assert configured_backend().get_variable(f"batch_size_{RUN}") == "500"


def config_value():
    write(f"airflow-config-smtp-password-{RUN}", "mail-pw")
    assert configured_backend().get_config(f"smtp_password_{RUN}") == "mail-pw"


def missing_connection_is_none():
    assert configured_backend().get_conn_value(f"absent_{RUN}") is None


def disabled_prefix_makes_no_lookup():
    backend = backend_with(variables_prefix=None)
    assert backend.get_variable(f"batch_size_{RUN}") is None


def empty_prefix_uses_the_bare_name():
    write(f"bare-var-{RUN}", "plain")
    assert backend_with(variables_prefix="").get_variable(f"bare_var_{RUN}") == "plain"


def custom_separator():
    write(f"airflow-variables--max--rows--{RUN}", "9")
    backend = backend_with(sep="--")
    assert backend.get_variable(f"max_rows_{RUN}") == "9"


def naming_matches_the_shared_cases():
    """The cases coffer-client's AirflowSecrets is tested against, checked with the real provider."""
    from airflow.providers.microsoft.azure.secrets.key_vault import AzureKeyVaultBackend

    with open(os.path.join(HERE, "..", "..", "coffer-client", "src", "test", "resources",
                           "airflow-naming.json")) as f:
        cases = json.load(f)["cases"]
    for case in cases:
        got = AzureKeyVaultBackend.build_path(case["prefix"], case["id"], case["sep"])
        assert got == case["name"], (case, got)


def dag_run_reads_through_the_backend():
    """`airflow dags test` runs compat/airflow/dags/coffer_dropin.py; its task reads a connection and
    a variable the way any task does, and the configured backend fetches them from the vault."""
    write("airflow-connections-warehouse-dag", "postgres://etl:dag-s3cret@db.internal:5432/dwh")
    write("airflow-variables-batch-size-dag", "250")
    airflow = os.path.join(os.path.dirname(sys.executable), "airflow")
    output = os.path.join(os.environ["AIRFLOW_HOME"], "dag-output.json")
    env = dict(os.environ, AIRFLOW__CORE__DAGS_FOLDER=os.path.join(HERE, "dags"),
               AIRFLOW__CORE__LOAD_EXAMPLES="False", COFFER_DAG_OUTPUT=output)
    for command in (["db", "migrate"], ["dags", "test", "coffer_dropin"]):
        result = subprocess.run([airflow, *command], env=env, capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        assert result.returncode == 0, (command, (result.stdout + result.stderr).strip().splitlines()[-1:])
    with open(output) as f:
        read = json.load(f)
    assert read == {"conn_type": "postgres", "host": "db.internal", "login": "etl", "password": "dag-s3cret",
                    "port": 5432, "schema": "dwh", "batch_size": "250"}, read


SCENARIOS = [
    naming_matches_the_shared_cases,
    connection_as_uri,
    connection_as_json,
    variable,
    config_value,
    missing_connection_is_none,
    disabled_prefix_makes_no_lookup,
    empty_prefix_uses_the_bare_name,
    custom_separator,
]
if os.environ.get("COFFER_DROPIN") == "1":
    # A whole DAG run, configured as Astronomer and other deployments configure the backend: only
    # through AIRFLOW__SECRETS__BACKEND and AIRFLOW__SECRETS__BACKEND_KWARGS.
    SCENARIOS.append(dag_run_reads_through_the_backend)


def main():
    from importlib.metadata import version

    header = (f"apache-airflow {version('apache-airflow')}, apache-airflow-providers-microsoft-azure "
              f"{version('apache-airflow-providers-microsoft-azure')}, azure-identity {version('azure-identity')}")
    label = "airflow-dropin" if os.environ.get("COFFER_DROPIN") == "1" else "airflow"
    return report.run(label, header, SCENARIOS)


if __name__ == "__main__":
    sys.exit(main())
