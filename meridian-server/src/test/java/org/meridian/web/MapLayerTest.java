package org.meridian.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.meridian.broker.EntityService;
import org.meridian.core.query.MapCluster;
import org.meridian.core.query.MapPoint;
import org.meridian.core.security.Caller;
import org.meridian.core.security.ReadScope;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/**
 * The map's read of a layer: entities one by one up to the limit, counted per grid cell beyond it (every entity in
 * exactly one cell), only those in the view, and nothing a caller's department may not read.
 */
class MapLayerTest {
    private static final String TYPE = "https://uri.etsi.org/ngsi-ld/default-context/NoiseLevelObserved";
    private static final String LEVEL = "https://uri.etsi.org/ngsi-ld/default-context/LAeq";
    private final Api operator = TestServer.api();
    private final String tenant = TestServer.newTenant();
    private final EntityService entities = TestServer.services().require(EntityService.class);

    private void monitors(int count) {
        StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i < count; i++) {
            batch.append(i == 0 ? "" : ",").append("""
                    {"id": "urn:ngsi-ld:NoiseLevelObserved:m%d", "type": "NoiseLevelObserved", "LAeq": {"type": "Property", "value": %d},
                     "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [%s, %s]}}}"""
                    .formatted(i, 50 + i % 30, 120.10 + (i % 10) * 0.01, 30.20 + (i / 10) * 0.01));
        }
        Api.Response created = operator.post("/ngsi-ld/v1/entityOperations/create", batch.append("]").toString()).tenant(tenant).send();
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
    }

    @Test
    void aLayerIsDrawnOneByOneUpToTheLimitAndCountedByCellBeyond() {
        monitors(40);
        Caller everyone = Caller.system(tenant, "test");
        ReadScope.Area city = new ReadScope.Area(120.0, 30.0, 120.5, 30.5);
        EntityService.MapLayer few = entities.map(everyone, TYPE, city, LEVEL, false, 100, 0.05);
        List<MapPoint> points = ((EntityService.MapLayer.Points) few).points();
        assertThat(points).hasSize(40);
        MapPoint first = points.stream().filter(p -> p.id().endsWith(":m0")).findFirst().orElseThrow();
        assertThat(first.longitude()).isEqualTo(120.10);
        assertThat(first.instance().path("value").asInt()).isEqualTo(50);

        EntityService.MapLayer many = entities.map(everyone, TYPE, city, LEVEL, false, 10, 0.05);
        List<MapCluster> clusters = ((EntityService.MapLayer.Clusters) many).clusters();
        assertThat(clusters.stream().mapToLong(MapCluster::count).sum()).as("every entity in one cell").isEqualTo(40);
        assertThat(clusters.size()).isBetween(2, 40);

        ReadScope.Area corner = new ReadScope.Area(120.095, 30.195, 120.115, 30.205);
        assertThat(((EntityService.MapLayer.Points) entities.map(everyone, TYPE, corner, LEVEL, false, 100, 0.05)).points())
                .extracting(MapPoint::id).containsExactlyInAnyOrder("urn:ngsi-ld:NoiseLevelObserved:m0", "urn:ngsi-ld:NoiseLevelObserved:m1");
    }

    @Test
    void aDepartmentWithoutAGrantSeesNoneOfAnotherDepartmentsLayer() {
        monitors(5);
        operator.put("/admin/v1/departments/ecology", "{\"name\": \"Ecology\"}").tenant(tenant).send();
        operator.put("/admin/v1/departments/transport", "{\"name\": \"Transport\"}").tenant(tenant).send();
        Api.Response owned = operator.put("/sharing/v1/datasets/NoiseLevelObserved", "{\"owner\": \"ecology\", \"title\": \"Noise\"}")
                .tenant(tenant).send();
        assertThat(owned.status()).as(owned.toString()).isIn(200, 201);
        Caller transport = new Caller(tenant, "account:someone", Set.of("transport"), Set.of("staff"));
        EntityService.MapLayer seen = entities.map(transport, TYPE, new ReadScope.Area(120.0, 30.0, 120.5, 30.5), LEVEL, false, 1, 0.05);
        assertThat(seen).as("neither entities nor their counts").isEqualTo(new EntityService.MapLayer.Points(List.of()));
    }
}
