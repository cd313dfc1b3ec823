package org.meridian.ngsild;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meridian.app.MeridianServer;
import org.meridian.ingest.IngestSettings;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/**
 * Paging a query that a city and two districts answer (three real servers): every page is exactly the slice of the
 * whole ordered answer, whether a district's ids come all together (a district numbering its own stations) or
 * interleave with the city's, though each district is asked only for what can reach into the page.
 */
@Tag("clause-5.9")
class DistributedPagingTest {
    private static MeridianServer first;
    private static MeridianServer second;
    private final Api city = TestServer.api();

    @BeforeAll
    static void districts(@TempDir Path a, @TempDir Path b) {
        first = TestServer.startOwn(a, Map.of(IngestSettings.MQTT_PORT, "-1"));
        second = TestServer.startOwn(b, Map.of(IngestSettings.MQTT_PORT, "-1"));
    }

    @AfterAll
    static void stop() {
        first.close();
        second.close();
    }

    private static void upsert(Api node, String tenant, List<String> ids) {
        StringBuilder batch = new StringBuilder("[");
        for (String id : ids) {
            batch.append(batch.length() > 1 ? "," : "").append("""
                    {"id": "urn:ngsi-ld:Streetlight:%s", "type": "Streetlight", "status": {"type": "Property", "value": "ok"}}"""
                    .formatted(id));
        }
        Api.Response stored = node.post("/ngsi-ld/v1/entityOperations/upsert", batch.append("]").toString()).tenant(tenant).send();
        assertThat(stored.status()).as(stored.toString()).isBetween(200, 204);
    }

    private void register(String tenant, MeridianServer district) {
        Api api = TestServer.client(district);
        Api.Response registered = city.post("/ngsi-ld/v1/csourceRegistrations", """
                {"type": "ContextSourceRegistration", "information": [{"entities": [{"type": "Streetlight"}]}],
                 "endpoint": "%s", "contextSourceInfo": [{"key": "Authorization", "value": "%s"}]}"""
                .formatted(api.base(), api.authorization())).tenant(tenant).send();
        assertThat(registered.status()).as(registered.toString()).isEqualTo(201);
    }

    @Test
    void everyPageIsTheSliceOfTheWholeAnswer() {
        String tenant = TestServer.newTenant();
        TreeSet<String> all = new TreeSet<>();
        List<String> together = new ArrayList<>();
        List<String> interleavedThere = new ArrayList<>();
        List<String> interleavedHere = new ArrayList<>();
        for (int i = 0; i < 45; i++) {
            together.add("b-%03d".formatted(i));
            (i % 2 == 0 ? interleavedThere : interleavedHere).add("m-%03d".formatted(i));
        }
        upsert(TestServer.client(first), tenant, together);
        upsert(TestServer.client(second), tenant, interleavedThere);
        upsert(city, tenant, interleavedHere);
        all.addAll(together);
        all.addAll(interleavedThere);
        all.addAll(interleavedHere);
        register(tenant, first);
        register(tenant, second);
        // The first district registered twice (as for two sets of its attributes): three sources, each first asked for
        // two thirds of the page, so the district holding a page alone must be asked again.
        register(tenant, first);

        List<String> paged = new ArrayList<>();
        for (int offset = 0; offset < all.size() + 7; offset += 7) {
            Api.Response page = city.get("/ngsi-ld/v1/entities?type=Streetlight&limit=7&count=true&offset=" + offset).tenant(tenant).send();
            assertThat(page.status()).as(page.toString()).isEqualTo(200);
            assertThat(page.header("Warning")).isNull();
            page.json().forEach(entity -> paged.add(entity.path("id").asText().replace("urn:ngsi-ld:Streetlight:", "")));
            assertThat(Long.parseLong(page.header("NGSILD-Results-Count"))).as("never below the truth").isGreaterThanOrEqualTo(all.size());
        }
        assertThat(paged).containsExactlyElementsOf(all);
        Api.Response whole = city.get("/ngsi-ld/v1/entities?type=Streetlight&limit=1000&count=true").tenant(tenant).send();
        assertThat(whole.json()).hasSize(all.size());
        assertThat(whole.header("NGSILD-Results-Count")).as("exact when everything fits").isEqualTo(String.valueOf(all.size()));
    }
}
