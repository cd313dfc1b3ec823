package org.meridian.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meridian.app.MeridianServer;
import org.meridian.core.security.Caller;
import org.meridian.core.temporal.HistoryBucket;
import org.meridian.ingest.IngestSettings;
import org.meridian.testing.InTenant;
import org.meridian.testing.MovableClock;
import org.meridian.testing.TestServer;

/**
 * A city-wide trend is kept a minute; past that, and when the hour turns, the kept one is served while a fresh one is
 * computed in the background (its reader no longer waits seconds for it in a busy city); ten minutes after it was
 * computed, the reader waits for a fresh one rather than see figures that old.
 */
class CityTrendsTest {
    private static final String PM25 = "https://uri.etsi.org/ngsi-ld/default-context/pm25";
    private static final String AIR = "https://uri.etsi.org/ngsi-ld/default-context/AirQualityObserved";

    @Test
    void anExpiredTrendIsServedWhileItIsComputedAgainButNotForLong(@TempDir Path data) throws Exception {
        MovableClock clock = new MovableClock();
        try (MeridianServer server = TestServer.startOwn(data, Map.of(IngestSettings.MQTT_PORT, "-1"), List.of(), clock)) {
            String tenant = TestServer.newTenant();
            InTenant city = new InTenant(TestServer.client(server), tenant);
            EntityService entities = server.services().require(EntityService.class);
            Caller reader = Caller.system(tenant, "trend test");
            Instant to = clock.instant().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
            Instant from = to.minus(Duration.ofHours(24));
            Instant observed = to.minus(Duration.ofHours(3)).plusSeconds(600);

            station(city, 1, 80, observed);
            assertThat(mean(entities.hourlyAcross(reader, AIR, PM25, from, to))).isEqualTo(80.0);

            station(city, 2, 100, observed);
            assertThat(mean(entities.hourlyAcross(reader, AIR, PM25, from, to))).as("kept a minute").isEqualTo(80.0);

            clock.advance(Duration.ofMinutes(2));
            assertThat(mean(entities.hourlyAcross(reader, AIR, PM25, from, to)))
                    .as("past its minute, the kept trend is served at once while it is computed again").isEqualTo(80.0);
            assertThat(awaitMean(entities, reader, from, to, 90.0)).as("the one computed in the background replaces it").isEqualTo(90.0);

            station(city, 3, 120, observed);
            Instant nextFrom = from.plus(Duration.ofHours(1));
            Instant nextTo = to.plus(Duration.ofHours(1));
            assertThat(mean(entities.hourlyAcross(reader, AIR, PM25, nextFrom, nextTo)))
                    .as("when the hour turns, the last hour's trend is served at once while the new one is computed").isEqualTo(90.0);
            assertThat(awaitMean(entities, reader, nextFrom, nextTo, 100.0)).isEqualTo(100.0);

            station(city, 4, 140, observed);
            clock.advance(Duration.ofMinutes(11));
            assertThat(mean(entities.hourlyAcross(reader, AIR, PM25, nextFrom, nextTo)))
                    .as("ten minutes after it was computed, the reader waits for a fresh one").isEqualTo(110.0);
        }
    }

    private static double awaitMean(EntityService entities, Caller reader, Instant from, Instant to, double expected) throws InterruptedException {
        double mean = 0;
        for (long deadline = System.nanoTime() + 20_000_000_000L; mean != expected && System.nanoTime() < deadline; Thread.sleep(50)) {
            mean = mean(entities.hourlyAcross(reader, AIR, PM25, from, to));
        }
        return mean;
    }

    private static void station(InTenant city, int number, int pm25, Instant observed) {
        city.ok(city.operator().post("/ngsi-ld/v1/entities", """
                {"id": "urn:ngsi-ld:AirQualityObserved:trend-%d", "type": "AirQualityObserved",
                 "pm25": {"type": "Property", "value": %d, "observedAt": "%s"}}""".formatted(number, pm25, observed)));
    }

    private static double mean(List<HistoryBucket> buckets) {
        assertThat(buckets).hasSize(1);
        return buckets.getFirst().values().get("avg");
    }
}
