/**
 * Processors: Kafka consumer groups that apply order changes to the stores (one group per store),
 * with the business lines' DML filters, de-duplication by version, and dead letters.
 */
package dev.hamal.processor;
