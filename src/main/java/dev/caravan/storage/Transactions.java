package dev.caravan.storage;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

/** Runs a few statements as one transaction on a pooled connection, restoring its auto-commit after. */
final class Transactions {

    private Transactions() {
    }

    /** Statements that belong together. */
    interface Work {
        void run(Connection c) throws SQLException;
    }

    /** Commits {@code work} as a whole, or rolls it back when any part fails. */
    static void run(DataSource ds, Work work) throws SQLException {
        try (Connection c = ds.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                work.run(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        }
    }
}
