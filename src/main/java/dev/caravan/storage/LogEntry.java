package dev.caravan.storage;

import java.util.Map;

/**
 * What one client request leaves in the log: its {@code request_log} row, and for a failure its {@code error_log}
 * row (else null). Rows are maps of column name to value, as camel-sql's batch insert takes them. Immutable once
 * built.
 */
public record LogEntry(Map<String, Object> request, Map<String, Object> error) {
}
