package dev.caravan.storage;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.component.sql.DefaultSqlPrepareStatementStrategy;

/**
 * How the request log's batch inserts fill their statements (routes/request-log.camel.yaml, the {@code sql:} option
 * {@code prepareStatementStrategy}): each row is a list of plain values in the order of the statement's {@code #}
 * placeholders (RequestLog.requestRows), bound as it is with {@code setObject}, nulls included. Camel's default strategy
 * searches the statement for named parameters with a regular expression for every row, and the Spring setter behind it
 * asks the driver the type of every null: a fifth of the log writer's CPU at concurrency 64 (bench/profile.sh).
 * A body that is not a list gets camel-sql's own iterator, and its values are bound the same way, by position.
 * Stateless, thread-safe.
 */
public final class PositionalRows extends DefaultSqlPrepareStatementStrategy {

    @Override
    public Iterator<?> createPopulateIterator(String query, String preparedQuery, int expectedParams, Exchange exchange,
                                              Object value) throws SQLException {
        if (value instanceof List<?> row) {
            return row.iterator();
        }
        return super.createPopulateIterator(query, preparedQuery, expectedParams, exchange, value);
    }

    @Override
    public void populateStatement(PreparedStatement ps, Iterator<?> values, int expectedParams) throws SQLException {
        int count = 0;
        while (values != null && values.hasNext()) {
            Object value = values.next();
            count++;
            if (count <= expectedParams) {
                ps.setObject(count, value);
            }
        }
        if (count != expectedParams) {
            throw new SQLException("Number of parameters mismatch. Expected: " + expectedParams + ", was: " + count);
        }
    }
}
