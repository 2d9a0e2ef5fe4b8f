/**
 * The replica side of the MySQL/MariaDB client/server protocol, written from the protocol
 * documentation: {@link dev.hamal.binlog.wire.MySqlConnection} connects, authenticates, runs text
 * queries, registers as a replica and streams binlog events as raw bytes for the event layer to
 * frame and decode.
 *
 * <p>Layers: packet framing and the binlog hot path ({@code PacketChannel}); payload fields ({@code
 * PayloadReader}, {@code PayloadWriter}); TLS ({@code TlsSockets}); authentication plugins ({@code
 * Authenticator}, {@code Scrambles}, {@code Ed25519}); error packets and their exception types
 * ({@code ServerErrors}). Only {@code MySqlConnection}, {@code ServerInfo} and {@code QueryResult}
 * are public.
 *
 * <p>Not supported, by choice: compression, LOCAL INFILE, multi-statements and multi-results,
 * prepared statements, semi-synchronous replication acknowledgements, client certificates, MariaDB
 * PAM/dialog/parsec authentication and the pre-4.1 password hash.
 */
package dev.hamal.binlog.wire;
