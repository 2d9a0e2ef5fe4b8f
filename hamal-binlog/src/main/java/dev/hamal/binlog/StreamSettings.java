package dev.hamal.binlog;

import java.time.Duration;

/** The validated settings of a {@link BinlogStream}; see its builder for meanings and defaults. */
record StreamSettings(
    BinlogSource source,
    StartPosition start,
    BinlogPosition stopAt,
    boolean nonBlocking,
    boolean annotateRows,
    TableFilter tables,
    Duration heartbeatInterval,
    Duration deadConnectionTimeout,
    int serverWriteTimeoutSeconds,
    int decodeThreads,
    int maxBatchesInFlight,
    long maxBytesInFlight,
    int batchMaxEvents,
    long batchMaxBytes,
    Duration reconnectInitialDelay,
    Duration reconnectMaxDelay,
    int maxAttemptsAtSamePosition,
    RowMapper mapper) {}
