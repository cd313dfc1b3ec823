package org.meridian.platform.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import javax.sql.DataSource;

/**
 * The embedded PostgreSQL's superuser password: generated on first start, kept in {@code data/postgres.password}
 * (readable by its owner only), and required of every connection, so another local user cannot connect as the
 * superuser (the library's default trusts every local connection). A data directory from before this password had a
 * cluster without one: its first start sets the password, then requires it.
 */
record EmbeddedPassword(Path file, String password, boolean isNew) {
    private static final String HBA = """
            # Written by Meridian at every start: every connection needs the password in postgres.password.
            local all all scram-sha-256
            host all all 127.0.0.1/32 scram-sha-256
            host all all ::1/128 scram-sha-256
            """;

    static EmbeddedPassword of(Path dataDirectory) {
        Path file = dataDirectory.resolve("postgres.password");
        try {
            if (Files.exists(file)) {
                return new EmbeddedPassword(file, Files.readString(file).strip(), false);
            }
            Files.createDirectories(dataDirectory);
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            String password = HexFormat.of().formatHex(random);
            Files.writeString(file, password + "\n", StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            restrictToOwner(file);
            return new EmbeddedPassword(file, password, true);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot keep the embedded PostgreSQL's password in " + file, e);
        }
    }

    /** Before the server starts: require the password, unless an old cluster must first be given it. */
    void requireOnStart(Path postgresDirectory) {
        if (isNew && hadClusterBefore(postgresDirectory)) {
            return;
        }
        writeHba(postgresDirectory);
    }

    /** After the server started: an old cluster that had no password gets it, and requires it from now on. */
    void setIfNew(DataSource trusted) throws IOException {
        if (!isNew) {
            return;
        }
        try (Connection connection = trusted.getConnection(); Statement statement = connection.createStatement()) {
            // The password is hex, so it needs no quoting beyond the literal's own quotes.
            statement.execute("ALTER ROLE postgres PASSWORD '" + password + "'");
            String directory;
            try (var result = statement.executeQuery("SHOW data_directory")) {
                result.next();
                directory = result.getString(1);
            }
            writeHba(Path.of(directory));
            statement.execute("SELECT pg_reload_conf()");
        } catch (SQLException e) {
            throw new IOException("Could not set the embedded PostgreSQL's password: " + e.getMessage(), e);
        }
    }

    private boolean hadClusterBefore(Path postgresDirectory) {
        // initdb ran just now for a new cluster, with --pwfile: then the password is set already.
        return Files.exists(postgresDirectory.resolve("postmaster.opts"));
    }

    private static void writeHba(Path postgresDirectory) {
        try {
            Files.writeString(postgresDirectory.resolve("pg_hba.conf"), HBA);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void restrictToOwner(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: the data directory's own permissions protect it.
        }
    }
}
