package org.meridian.store;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.meridian.core.error.ErrorType;
import org.meridian.core.error.MeridianException;

/** Runs work in one database transaction: committed when it returns, rolled back when it throws. */
public final class Transactions {
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private static final String INVALID_REGULAR_EXPRESSION = "2201B";

    private final DataSource dataSource;

    public Transactions(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public <T> T inTransaction(Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    /**
     * A transaction whose commit does not wait for its WAL to reach the disk. Only for bookkeeping whose loss in a
     * PostgreSQL crash is harmless: the notification pipeline's, where a lost commit means a notification is sent
     * again (at least once), never lost. A crash of Meridian itself loses nothing committed this way.
     */
    public <T> T inRelaxedTransaction(Work<T> work) {
        return inTransaction(connection -> {
            try (var statement = connection.createStatement()) {
                statement.execute("SET LOCAL synchronous_commit = off");
            }
            return work.run(connection);
        });
    }

    /** Most database errors are faults; a few are the client's input reaching PostgreSQL, and say so. */
    static MeridianException translate(SQLException e) {
        if (INVALID_REGULAR_EXPRESSION.equals(e.getSQLState())) {
            return MeridianException.badData("A regular expression in the query is not valid here (PostgreSQL regular"
                    + " expressions: no possessive quantifiers, atomic groups or \\p{...} classes)");
        }
        return new MeridianException(ErrorType.INTERNAL_ERROR,
                "The database could not complete the operation; the server log has the details", e);
    }

    public <T> T readOnly(Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw translate(e);
        }
    }
}
