/** A Kafka {@code ConfigProvider} for Connect workers: {@code ${coffer:<vault>:<secret>}}. */
package io.coffer.client.kafka;
