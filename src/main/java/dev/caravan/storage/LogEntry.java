package dev.caravan.storage;

import java.util.List;

/**
 * What one client request leaves in the log: its {@code request_log} row, and for a failure its {@code error_log}
 * row (else null). Rows are their values in the column order of {@link RequestLog#REQUEST} and
 * {@link RequestLog#ERROR}, as camel-sql's batch insert binds them. Immutable once built.
 */
public record LogEntry(List<Object> request, List<Object> error) {

    /** One value of the request row. */
    public Object requestValue(String column) {
        return RequestLog.REQUEST.get(request, column);
    }
}
