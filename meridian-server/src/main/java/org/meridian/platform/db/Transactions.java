package org.meridian.platform.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.meridian.core.error.ErrorType;
import org.meridian.core.error.MeridianException;
import org.meridian.platform.PlatformError;

/** Runs work in one database transaction: committed when it returns, rolled back when it throws. */
public final class Transactions {
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private static final String INVALID_REGULAR_EXPRESSION = "2201B";

    private final DataSource dataSource;
    private final BooleanSupplier reachable;

    public Transactions(DataSource dataSource) {
        this(dataSource, () -> true);
    }

    /** @param reachable whether the database answers now; while it does not, work is refused at once */
    public Transactions(DataSource dataSource, BooleanSupplier reachable) {
        this.dataSource = dataSource;
        this.reachable = reachable;
    }

    private Connection connection() throws SQLException {
        if (!reachable.getAsBoolean()) {
            throw unavailable();
        }
        return dataSource.getConnection();
    }

    private static MeridianException unavailable() {
        return new MeridianException(PlatformError.DATABASE_UNAVAILABLE,
                "The database does not answer; nothing was changed, send the request again shortly");
    }

    public <T> T inTransaction(Work<T> work) {
        try (Connection connection = connection()) {
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
     * again (at least once), never lost; a case's mark that its entity is written, where a lost mark means the entity
     * is written again with the same content. A crash of Meridian itself loses nothing committed this way.
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
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        // Class 08 (connection), 57P01-57P03 (shutting down, cannot connect now), or no connection from the pool in time.
        if (state.startsWith("08") || state.startsWith("57P") || e instanceof java.sql.SQLTransientConnectionException) {
            return unavailable();
        }
        if (INVALID_REGULAR_EXPRESSION.equals(state)) {
            return MeridianException.badData("A regular expression in the query is not valid here (PostgreSQL regular"
                    + " expressions: no possessive quantifiers, atomic groups or \\p{...} classes)");
        }
        return new MeridianException(ErrorType.INTERNAL_ERROR,
                "The database could not complete the operation; the server log has the details", e);
    }

    public <T> T readOnly(Work<T> work) {
        try (Connection connection = connection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw translate(e);
        }
    }
}
