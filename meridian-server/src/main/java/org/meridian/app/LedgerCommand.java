package org.meridian.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Callable;
import org.meridian.sharing.Ledger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code meridian ledger verify}: an auditor's own check of the exchange ledger, straight from the database (not
 * through the server it audits): the external PostgreSQL of {@code MERIDIAN_DB_URL}, or the running node's embedded
 * one in the data directory. Exit code 0 when the chain is intact, 1 when it is broken, 2 when it cannot be read.
 */
@Command(name = "ledger", description = "The exchange ledger.", subcommands = LedgerCommand.Verify.class)
final class LedgerCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.println("Usage: meridian ledger verify [--data DIR]");
        return 2;
    }

    @Command(name = "verify", description = "Recompute the ledger's hash chain and say whether it is intact, or where it breaks.")
    static final class Verify implements Callable<Integer> {
        @Option(names = "--data", description = "Data directory of the node (default ./data, env MERIDIAN_DATA)")
        Path data;

        @Override
        public Integer call() {
            Settings settings = Settings.fromEnvironment(System.getenv());
            if (data != null) {
                settings = settings.withDataDirectory(data);
            }
            try (Connection connection = connect(settings)) {
                Ledger.Verification verification = Ledger.verify(connection);
                if (verification.intact()) {
                    System.out.printf("The ledger is intact: %,d entries; head entry %d, hash %s%n", verification.entries(),
                            verification.headSeq(), verification.headHash());
                    System.out.println("(Record the head hash somewhere the platform cannot change: it anchors every entry before it.)");
                    return 0;
                }
                System.out.printf("The ledger is BROKEN at entry %d: %s%n", verification.brokenAt(), verification.problem());
                return 1;
            } catch (SQLException | IOException | IllegalStateException e) {
                System.err.println("Could not read the ledger: " + e.getMessage());
                return 2;
            }
        }

        /** The external database, or the embedded one of the node running on this data directory. */
        private static Connection connect(Settings settings) throws SQLException, IOException {
            if (settings.databaseUrl() != null) {
                return DriverManager.getConnection(settings.databaseUrl(), settings.databaseUser(), settings.databasePassword());
            }
            Path pid = settings.dataDirectory().resolve("postgres").resolve("postmaster.pid");
            Path password = settings.dataDirectory().resolve("postgres.password");
            if (!Files.exists(pid) || !Files.exists(password)) {
                throw new IllegalStateException("no running node's database in " + settings.dataDirectory().toAbsolutePath()
                        + ": start Meridian on it, or set MERIDIAN_DB_URL");
            }
            List<String> lines = Files.readAllLines(pid);
            String port = lines.size() > 3 ? lines.get(3).strip() : "";
            return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres",
                    Files.readString(password).strip());
        }
    }
}
