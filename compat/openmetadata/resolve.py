"""One OpenMetadata ingestion process: resolves a workflow's `secret:` password and connects with it.

    resolve.py <provider> <loader> <secret reference>...

The SecretsManagerFactory is a process-wide singleton, so compat/openmetadata/suite.py starts one
process per provider/loader combination. Each reference is put into workflow.yaml's Postgres
connection in turn; the workflow is parsed by ingestion's own parser, the secrets manager is set up
by ingestion's own OpenMetadata client (the step that reads `secretsManagerProvider` and
`secretsManagerLoader`), and the connection is opened by ingestion's own Postgres connector, which
resolves the password when it builds the URL. Prints JSON: per reference, the value and the
database user the connection ran as.
"""

import json
import os
import sys

import yaml
from metadata.ingestion.api.parser import parse_workflow_config_gracefully
from metadata.ingestion.ometa.ometa_api import OpenMetadata
from metadata.ingestion.source.connections import get_connection
from sqlalchemy import text

HERE = os.path.dirname(os.path.abspath(__file__))


def main(provider, loader, references):
    results = []
    for reference in references:
        with open(os.path.join(HERE, "workflow.yaml")) as f:
            config = yaml.safe_load(f)
        server = config["workflowConfig"]["openMetadataServerConfig"]
        server["secretsManagerProvider"], server["secretsManagerLoader"] = provider, loader
        config["source"]["serviceConnection"]["config"]["authType"]["password"] = reference
        workflow = parse_workflow_config_gracefully(config)
        client = OpenMetadata(workflow.workflowConfig.openMetadataServerConfig)
        connection = workflow.source.serviceConnection.root.config
        engine = get_connection(connection)
        with engine.connect() as db:
            user = db.execute(text("select current_user")).scalar()
        engine.dispose()
        results.append({
            "reference": reference,
            "value": connection.authType.password.get_secret_value(),
            "user": user,
            "manager": type(client.secrets_manager_client).__name__,
            # Which credential the loader's settings made (the SecretClient keeps it in its
            # challenge policy): a DefaultAzureCredential could reach the host's managed identity.
            "credential": type(client.secrets_manager_client.client._client._config.authentication_policy
                               ._credential).__name__,
        })
    print(json.dumps(results))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
