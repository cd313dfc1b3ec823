package org.meridian.platform.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When Meridian is killed (kill -9, power cut of the JVM alone), its embedded PostgreSQL keeps running without an
 * owner, and a new start would wait for a data directory that is still in use. Before starting, stop a postmaster
 * that is still serving our data directory; PostgreSQL then recovers from its WAL as after any crash.
 */
final class OrphanedPostgres {
    private static final Logger LOG = LoggerFactory.getLogger(OrphanedPostgres.class);
    private static final Duration GRACE = Duration.ofSeconds(30);

    private OrphanedPostgres() {
    }

    static void stopIfRunning(Path dataDirectory) throws IOException {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.isEmpty() || !lines.getFirst().trim().matches("\\d+")) {
            return;
        }
        long pid = Long.parseLong(lines.getFirst().trim());
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(handle -> handle.info().command().map(command -> command.endsWith("postgres")).orElse(false))
                .filter(handle -> handle.info().arguments().map(arguments -> List.of(arguments).contains(dataDirectory.toString())
                        || List.of(arguments).contains(dataDirectory.toAbsolutePath().toString())).orElse(false));
        if (process.isEmpty()) {
            return;
        }
        LOG.warn("an embedded PostgreSQL (pid {}) from an earlier run that did not stop cleanly still serves {}; stopping it",
                pid, dataDirectory);
        ProcessHandle handle = process.get();
        handle.destroy();
        try {
            handle.onExit().get(GRACE.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("PostgreSQL pid {} did not stop within {} s; killing it", pid, GRACE.toSeconds());
            handle.destroyForcibly();
        }
    }
}
