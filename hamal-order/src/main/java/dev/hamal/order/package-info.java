/** Unified order model, business-line mappings, versions. */
package dev.hamal.order;
