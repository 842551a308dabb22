"""A Fivetran Connector SDK connector that keeps its database credentials in Azure Key Vault.

configuration.json holds only what it takes to reach the vault (tenant_id, client_id,
client_secret, vault_url); the connector reads postgresHost, postgresPort, postgresDatabase,
postgresUser and postgresPassword from the vault with the service principal, connects to
PostgreSQL, and upserts one row describing the database it reached.
"""

import datetime
import json

import psycopg2
from azure.identity import ClientSecretCredential
from azure.keyvault.secrets import SecretClient
from fivetran_connector_sdk import Connector
from fivetran_connector_sdk import Logging as log
from fivetran_connector_sdk import Operations as op

SECRETS = ["postgresHost", "postgresPort", "postgresDatabase", "postgresUser", "postgresPassword"]


def schema(configuration: dict):
    return [
        {
            "table": "database_info",
            "primary_key": ["id"],
            "columns": {
                "id": "STRING",
                "host": "STRING",
                "database": "STRING",
                "connected_at": "UTC_DATETIME",
                "db_version": "STRING",
            },
        }
    ]


def read_database_settings(configuration: dict) -> dict:
    """The connection settings, from the vault, as the configured service principal."""
    credential = ClientSecretCredential(
        configuration["tenant_id"], configuration["client_id"], configuration["client_secret"]
    )
    client = SecretClient(vault_url=configuration["vault_url"], credential=credential)
    return {name: client.get_secret(name).value for name in SECRETS}


def update(configuration: dict, state: dict):
    settings = read_database_settings(configuration)
    log.info(f"connecting to {settings['postgresHost']}:{settings['postgresPort']}/{settings['postgresDatabase']}")
    connection = psycopg2.connect(
        host=settings["postgresHost"],
        port=int(settings["postgresPort"]),
        dbname=settings["postgresDatabase"],
        user=settings["postgresUser"],
        password=settings["postgresPassword"],
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            version = cursor.fetchone()[0]
    finally:
        connection.close()

    connected_at = datetime.datetime.now(datetime.timezone.utc).isoformat()
    op.upsert(
        table="database_info",
        data={
            "id": f"{settings['postgresHost']}:{settings['postgresPort']}/{settings['postgresDatabase']}",
            "host": settings["postgresHost"],
            "database": settings["postgresDatabase"],
            "connected_at": connected_at,
            "db_version": version,
        },
    )
    op.checkpoint(state={"last_connected_at": connected_at})


connector = Connector(update=update, schema=schema)

if __name__ == "__main__":
    with open("configuration.json") as f:
        configuration = json.load(f)
    connector.debug(configuration=configuration)
