"""A DAG whose one task reads a connection and a variable, as any DAG would: Airflow looks them up
through the secrets backend the deployment configures (AIRFLOW__SECRETS__BACKEND and
AIRFLOW__SECRETS__BACKEND_KWARGS). The task writes what it read to COFFER_DAG_OUTPUT for the
suite to check, and returns it (an XCom).
"""

import json
import os

import pendulum
from airflow.sdk import Connection, Variable, dag, task


@dag(schedule=None, start_date=pendulum.datetime(2026, 1, 1, tz="UTC"), catchup=False)
def coffer_dropin():
    @task
    def read_settings():
        warehouse = Connection.get("warehouse_dag")
        read = {
            "conn_type": warehouse.conn_type,
            "host": warehouse.host,
            "login": warehouse.login,
            "password": warehouse.password,
            "port": warehouse.port,
            "schema": warehouse.schema,
            "batch_size": Variable.get("batch_size_dag"),
        }
        with open(os.environ["COFFER_DAG_OUTPUT"], "w") as f:
            json.dump(read, f)
        return {k: v for k, v in read.items() if k != "password"}

    read_settings()


coffer_dropin()
