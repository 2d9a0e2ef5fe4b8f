/**
 * Schema history: the columns of every table at every binlog position, for sources whose binlog
 * does not carry column names ({@code binlog_row_metadata=MINIMAL}, the default before MySQL 8 and
 * on many servers).
 *
 * <h2>How it works</h2>
 *
 * <ol>
 *   <li>{@link dev.hamal.binlog.schema.SchemaHistory#seed} reads {@code information_schema} in five
 *       queries whatever the number of tables (server facts, SCHEMATA, TABLES, COLUMNS,
 *       STATISTICS), skipping {@code mysql}, {@code information_schema}, {@code performance_schema}
 *       and {@code sys}. Tables the stream's filter excludes are recorded as existing but
 *       untracked.
 *   <li>The stream's reader thread passes every QUERY event whose statement {@link
 *       dev.hamal.binlog.schema.SchemaHistory#isDdl} accepts to {@link
 *       dev.hamal.binlog.schema.SchemaHistory#applyDdl}. A hand-written lexer and parser ({@code
 *       DdlParser}) read the column-shaping subset of MySQL/MariaDB DDL; {@code DdlInterpreter}
 *       applies it to the latest state. The parser is written by hand because the SQL parser
 *       libraries on Maven Central either do not follow the MySQL and MariaDB dialects closely
 *       (versioned comments, {@code CREATE OR REPLACE}, {@code IF [NOT] EXISTS} on columns, MariaDB
 *       types) or bring large runtimes into the binlog module; the history needs a small part of
 *       the language, exactly, and must recognise everything else as "not understood".
 *   <li>Each change is appended durably to a {@link dev.hamal.binlog.schema.SchemaHistoryStore}
 *       before it is applied; every version is kept, so {@link
 *       dev.hamal.binlog.schema.SchemaHistory#lookup} answers for any position from the first seed
 *       on, including after a restart from an older committed position.
 * </ol>
 *
 * <h2>Never guessing</h2>
 *
 * When a DDL statement touching a table cannot be interpreted exactly, the table's schema is {@link
 * dev.hamal.binlog.schema.SchemaHistory.Unknown} from that position on, with the reason, and the
 * statement is logged at WARN; the stream stops with a clear error if a row of that table arrives.
 * Recreating the table (DROP and CREATE, CREATE OR REPLACE) or re-seeding makes it known again. Not
 * interpreted (the table becomes unknown): {@code CREATE TABLE ... SELECT} (in ROW format the
 * server logs it as a plain CREATE TABLE, which is understood), CREATE TABLE without a column list,
 * system versioning ({@code WITH SYSTEM VERSIONING} without explicit period columns, {@code
 * ADD/DROP SYSTEM VERSIONING}: hidden columns), sequences, data types outside MySQL/MariaDB
 * (Oracle-mode {@code VARCHAR2}, {@code NUMBER}), statements written under {@code sql_mode=ORACLE},
 * primary keys on expressions, and any clause the parser does not know.
 *
 * <h2>The history file</h2>
 *
 * {@link dev.hamal.binlog.schema.FileSchemaHistoryStore} keeps one UTF-8 text file per source
 * server: a header line {@code hamal-schema-history<TAB>1}, then records, each as lines {@code
 * +<TAB>payload} closed by {@code =<TAB>line count<TAB>crc32}. A record's payload (format version
 * 1) is one line per fact with tab-separated, backslash-escaped fields:
 *
 * <pre>
 * change  1  FILE  OFFSET  seed|ddl
 * server  VERSION  CHARSET  LOWER_CASE_TABLE_NAMES          (seeds)
 * statement  SQL                                            (DDL)
 * database  NAME  CHARSET            database-dropped  NAME
 * table  SCHEMA  TABLE  DEFAULT_CHARSET  [PK_COLUMN ...]
 * column  NAME  DATA_TYPE  UNSIGNED(0|1)  CHARSET  CHAR_LENGTH  [LABEL ...]
 * table-unknown  SCHEMA  TABLE  REASON
 * table-untracked  SCHEMA  TABLE     table-dropped  SCHEMA  TABLE
 * </pre>
 *
 * A crash during an append leaves a torn last record, which the next open drops (WARN) by
 * truncating the file; any other damage is reported with the file and line. Removing the file makes
 * the next start re-seed from {@code information_schema}.
 *
 * <h2>Limits</h2>
 *
 * <ul>
 *   <li>One history per source server: binlog positions of another server (after a failover) are
 *       not comparable; start a new history.
 *   <li>The seed describes {@code information_schema} when it is read; a DDL statement between
 *       reading the start position and the seed is applied twice and usually makes its table
 *       unknown (never wrong columns), unless the caller reads both consistently.
 *   <li>{@code utf8} means {@code utf8mb3} (the servers' default {@code old_mode}); character sets
 *       are reported canonically ({@code utf8mb3}).
 *   <li>MySQL's generated invisible primary keys ({@code sql_generate_invisible_primary_key}) and
 *       ALTERs of temporary tables logged in STATEMENT format were not tested against a server.
 * </ul>
 */
package dev.hamal.binlog.schema;
