/**
 * Pipes: binlog to unified order changes to Kafka, with positions committed for acknowledged work.
 */
package dev.hamal.listener;
