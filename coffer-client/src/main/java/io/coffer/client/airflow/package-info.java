/** Airflow's Azure Key Vault secrets backend: its secret names and its connection forms. */
package io.coffer.client.airflow;
