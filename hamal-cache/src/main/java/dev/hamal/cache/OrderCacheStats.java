package dev.hamal.cache;

/**
 * Counters of one {@link OrderCache} since it was opened.
 *
 * @param nearHits orders served from the near cache
 * @param redisHits orders read from Redis and served
 * @param misses orders Redis did not hold (or held unreadably)
 * @param refusedOlder orders Redis returned older than a version already served, not served
 * @param applied writes that changed Redis
 * @param stale writes not newer than what Redis held, or superseded within their batch
 * @param rejected writes refused
 * @param invalidationsReceived order ids announced on the invalidation channel
 */
public record OrderCacheStats(
    long nearHits,
    long redisHits,
    long misses,
    long refusedOlder,
    long applied,
    long stale,
    long rejected,
    long invalidationsReceived) {}
