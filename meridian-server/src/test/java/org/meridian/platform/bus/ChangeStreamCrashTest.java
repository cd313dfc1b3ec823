package org.meridian.platform.bus;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meridian.app.MeridianServer;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/**
 * A consumer of the change stream killed with SIGKILL, again and again, while entities change: each time it is
 * started again it resumes from the position it last stored, so in the end it has seen every change, and every
 * entity's changes in the order they happened (at least once: what it handled but had not stored is seen again).
 */
@Tag("slow")
class ChangeStreamCrashTest {
    private static final int ENTITIES = 3;
    private static final int UPDATES = 150;

    @TempDir
    Path data;

    @Test
    void aKilledConsumerResumesWhereItStoppedAndMissesNothing() throws Exception {
        Path journal = data.resolve("journal.txt");
        try (MeridianServer server = TestServer.startOwn(data, Map.of())) {
            Api api = TestServer.client(server);
            HikariDataSource database = (HikariDataSource) server.dataSource();
            Process consumer = startConsumer(database, journal);
            int kills = 0;
            ExecutorService writers = Executors.newFixedThreadPool(ENTITIES);
            try {
                List<Future<?>> running = new ArrayList<>();
                for (int e = 0; e < ENTITIES; e++) {
                    String id = "urn:ngsi-ld:Counter:" + e;
                    running.add(writers.submit(() -> {
                        assertThat(api.post("/ngsi-ld/v1/entities", "{\"id\": \"%s\", \"type\": \"Counter\", \"count\": 0}"
                                .formatted(id)).send().status()).isEqualTo(201);
                        for (int i = 1; i <= UPDATES; i++) {
                            assertThat(api.patch("/ngsi-ld/v1/entities/" + id + "/attrs", "{\"count\": " + i + "}")
                                    .send().status()).isEqualTo(204);
                        }
                        return null;
                    }));
                }
                while (running.stream().anyMatch(f -> !f.isDone())) {
                    Thread.sleep(400);
                    consumer.destroyForcibly().waitFor(); // SIGKILL, mid-batch or not
                    kills++;
                    consumer = startConsumer(database, journal);
                }
                for (Future<?> writer : running) {
                    writer.get();
                }
                Map<String, List<Integer>> seen = awaitAll(journal);
                assertThat(kills).isGreaterThanOrEqualTo(2);
                for (int e = 0; e < ENTITIES; e++) {
                    List<Integer> counts = seen.get("urn:ngsi-ld:Counter:" + e);
                    List<Integer> firstSeen = new ArrayList<>(new LinkedHashSet<>(counts));
                    assertThat(firstSeen).as("entity %d, first time each change was seen", e)
                            .hasSize(UPDATES + 1).isSorted();
                }
            } finally {
                writers.shutdownNow();
                consumer.destroyForcibly().waitFor();
            }
        }
    }

    /** The journal by entity, once every entity's last update is in it. */
    private static Map<String, List<Integer>> awaitAll(Path journal) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            Map<String, List<Integer>> seen = new HashMap<>();
            if (Files.exists(journal)) {
                for (String line : Files.readAllLines(journal)) {
                    String[] parts = line.split(" ");
                    seen.computeIfAbsent(parts[1], k -> new ArrayList<>()).add(Integer.parseInt(parts[2]));
                }
            }
            boolean complete = seen.size() == ENTITIES && seen.values().stream().allMatch(c -> c.contains(UPDATES));
            if (complete || System.nanoTime() > deadline) {
                return seen;
            }
            Thread.sleep(100);
        }
    }

    private Process startConsumer(HikariDataSource database, Path journal) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                EventJournal.class.getName(), journal.toString(), "journal");
        builder.environment().put("MERIDIAN_DB_URL", database.getJdbcUrl().replace("?reWriteBatchedInserts=true", ""));
        builder.environment().put("MERIDIAN_DB_USER", database.getUsername());
        builder.environment().put("MERIDIAN_DB_PASSWORD", database.getPassword());
        builder.redirectErrorStream(true).redirectOutput(data.resolve("consumer-" + System.nanoTime() + ".log").toFile());
        return builder.start();
    }
}
