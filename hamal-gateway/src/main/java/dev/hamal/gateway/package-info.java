/**
 * The order gateway: the HTTP API through which the rest of the company reads orders, in their own
 * shape (templates), subscribes to changes (webhooks, server-sent events), searches across the
 * levels cache → search index → order store → product-line database, and reads analytics.
 */
package dev.hamal.gateway;
