package org.meridian.platform.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.meridian.core.security.Redaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL behind Meridian: an external server when a JDBC URL is configured, otherwise an embedded one whose
 * data lives under the data directory and survives restarts. Migrations run on open.
 */
public final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    /**
     * Run on every connection. Query selectivity depends on the values (a 1 km box or the whole city): a generic plan,
     * which PostgreSQL switches to after five runs of a prepared statement, can pick the wrong index, and it keeps the
     * statistics of the moment it was made.
     */
    private static final String CONNECTION_SETUP = "SET plan_cache_mode = force_custom_plan";

    private final EmbeddedPostgres embedded;
    private final HikariDataSource pool;
    private final DatabaseProbe probe;

    private Database(EmbeddedPostgres embedded, HikariDataSource pool) {
        this.embedded = embedded;
        this.pool = pool;
        this.probe = new DatabaseProbe(pool.getJdbcUrl(), pool.getUsername(), pool.getPassword());
    }

    /** The platform's own tables (the change stream); capabilities add theirs. */
    public static final String MIGRATIONS = "classpath:db/platform";

    /** @param migrations the Flyway locations of every installed capability's migrations, and the platform's */
    public static Database open(String url, String user, String password, Path dataDirectory, int poolSize,
                                MeterRegistry registry, List<String> migrations) {
        EmbeddedPostgres embedded = null;
        String jdbcUrl = url;
        String jdbcUser = user;
        String jdbcPassword = password;
        if (url == null) {
            EmbeddedPassword generated = EmbeddedPassword.of(dataDirectory);
            embedded = startEmbedded(dataDirectory.resolve("postgres"), generated);
            jdbcUrl = embedded.getJdbcUrl("postgres", "postgres");
            jdbcUser = "postgres";
            jdbcPassword = generated.password();
        }
        try {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(withDriverOptions(jdbcUrl));
            config.setUsername(jdbcUser);
            config.setPassword(jdbcPassword);
            config.setMaximumPoolSize(poolSize);
            config.setPoolName("meridian");
            // A request waits at most this for a connection, then answers 503; an outage is refused sooner (DatabaseProbe).
            config.setConnectionTimeout(Duration.ofSeconds(5).toMillis());
            config.setConnectionInitSql(CONNECTION_SETUP);
            if (registry != null) {
                config.setMetricRegistry(registry);
            }
            HikariDataSource pool = new HikariDataSource(config);
            migrate(pool, migrations);
            LOG.info("database ready: {}", embedded != null ? "embedded PostgreSQL in " + dataDirectory.resolve("postgres")
                    : "external " + Redaction.url(url));
            return new Database(embedded, pool);
        } catch (RuntimeException e) {
            closeQuietly(embedded);
            throw e;
        }
    }

    private static EmbeddedPostgres startEmbedded(Path directory, EmbeddedPassword password) {
        try {
            Files.createDirectories(directory);
            OrphanedPostgres.stopIfRunning(directory);
            EmbeddedPostgres started = EmbeddedPostgres.builder()
                    .setDataDirectory(directory)
                    .setCleanDataDirectory(false)
                    // Meridian stops PostgreSQL itself, last: the library's own hook would run concurrently with the
                    // graceful stop and cut the connections of work still finishing.
                    .setRegisterShutdownHook(false)
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("shared_buffers", "256MB")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("fsync", "on")
                    // Measured on batch upserts: small WAL buffers filled on every batch, and the default 1 GB of WAL
                    // forced checkpoints during bulk loads; full-page images compress well.
                    .setServerConfig("wal_buffers", "64MB")
                    .setServerConfig("max_wal_size", "4GB")
                    .setServerConfig("checkpoint_timeout", "15min")
                    .setServerConfig("wal_compression", "on")
                    // Solid-state storage: random reads cost little more than sequential ones, so index scans win
                    // where PostgreSQL's spinning-disk default would pick a full scan (measured: 430 ms → 140 ms).
                    .setServerConfig("random_page_cost", "1.1")
                    .setServerConfig("effective_cache_size", "1GB")
                    .setPGStartupWait(Duration.ofSeconds(60))
                    // A new cluster gets the generated password at initdb; every start requires it from every client.
                    .setLocaleConfig("pwfile", password.file().toString())
                    .setConnectConfig("password", password.password())
                    .setDataDirectoryCustomizer(data -> password.requireOnStart(data.toPath()))
                    .start();
            password.setIfNew(started.getPostgresDatabase());
            return started;
        } catch (IOException e) {
            throw new IllegalStateException("Could not start the embedded PostgreSQL in " + directory
                    + ": " + e.getMessage() + ". Check that the directory is writable, or set MERIDIAN_DB_URL to an external PostgreSQL.", e);
        }
    }

    /** Batched inserts are rewritten into multi-row statements: a large win for batch upserts. */
    private static String withDriverOptions(String url) {
        return url + (url.contains("?") ? "&" : "?") + "reWriteBatchedInserts=true";
    }

    private static void migrate(DataSource dataSource, List<String> migrations) {
        Flyway.configure().dataSource(dataSource).locations(migrations.toArray(String[]::new)).load().migrate();
    }

    public DataSource dataSource() {
        return pool;
    }

    public Connection connection() throws SQLException {
        return pool.getConnection();
    }

    /**
     * A new connection outside the pool, for work that must never wait for a pooled connection; the caller closes it.
     * It is set up as the pooled ones are: without it, the history series' own connection kept the generic plan made
     * while their table was nearly empty, and hashed all 10,000 series for each lookup of a few (docs/performance.md,
     * "Rules", seventh session).
     */
    public Connection unpooledConnection() throws SQLException {
        Connection connection = java.sql.DriverManager.getConnection(pool.getJdbcUrl(), pool.getUsername(), pool.getPassword());
        try (var statement = connection.createStatement()) {
            statement.execute(CONNECTION_SETUP);
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    /** Whether PostgreSQL answered within the last second or so; never waits. */
    public boolean isReachable() {
        return probe.isReachable();
    }

    public boolean isEmbedded() {
        return embedded != null;
    }

    @Override
    public void close() {
        probe.close();
        pool.close();
        closeQuietly(embedded);
    }

    private static void closeQuietly(EmbeddedPostgres embedded) {
        if (embedded == null) {
            return;
        }
        try {
            embedded.close();
        } catch (IOException e) {
            LOG.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
        }
    }
}
