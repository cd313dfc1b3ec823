package org.meridian.platform.bus;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.meridian.platform.db.Database;

/**
 * A consumer of the change stream in a process of its own, for {@link ChangeStreamCrashTest} to kill: it appends
 * "position entity count" for every entity event to a journal file, and only then lets its position be stored.
 * Arguments: the journal file and the consumer's name; the database from MERIDIAN_DB_URL, _USER and _PASSWORD.
 */
public final class EventJournal {
    private static final String COUNT = "https://uri.etsi.org/ngsi-ld/default-context/count";

    public static void main(String[] args) throws Exception {
        Path journal = Path.of(args[0]);
        // Every installed capability's migrations, as the server has them: Flyway refuses a database with applied
        // migrations it does not know below the newest it does.
        List<String> migrations = new java.util.ArrayList<>(List.of(Database.MIGRATIONS));
        org.meridian.platform.capability.Capability.installed().forEach(capability -> migrations.addAll(capability.migrations()));
        Database database = Database.open(System.getenv("MERIDIAN_DB_URL"), System.getenv("MERIDIAN_DB_USER"),
                System.getenv("MERIDIAN_DB_PASSWORD"), null, 4, null, migrations);
        LogEventBus bus = new LogEventBus(database.dataSource(), LogEventBus.Options.defaults());
        try (FileChannel file = FileChannel.open(journal, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            bus.subscribe(args[1], EventBus.Start.EARLIEST, events -> {
                StringBuilder lines = new StringBuilder();
                for (Event event : events) {
                    if (event.stream().equals("entity")) {
                        int count = event.payload().path("attributes").path(COUNT).path(0).path("value").asInt(-1);
                        lines.append(event.position()).append(' ').append(event.key()).append(' ').append(count).append('\n');
                    }
                }
                // One write of whole lines, on the disk before the position is stored: a kill replays, never loses.
                file.write(ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8)));
                file.force(false);
            });
            System.out.println("consuming");
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    private EventJournal() {
    }
}
