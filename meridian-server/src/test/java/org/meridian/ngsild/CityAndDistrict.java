package org.meridian.ngsild;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.meridian.app.MeridianServer;
import org.meridian.ingest.IngestSettings;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/**
 * Two real nodes for the distributed operations' tests: the shared test server as the city, and a district of its own
 * (its own server and database, started once for the test class); each test in a tenant of its own on both.
 */
abstract class CityAndDistrict {
    static MeridianServer district;
    static Api districtApi;
    final Api city = TestServer.api();
    String tenant;

    @BeforeAll
    static void districtNode(@TempDir Path data) {
        district = TestServer.startOwn(data, Map.of(IngestSettings.MQTT_PORT, "-1"));
        districtApi = TestServer.client(district);
    }

    @AfterAll
    static void stopDistrict() {
        district.close();
    }

    @BeforeEach
    void newTenant() {
        tenant = TestServer.newTenant();
    }
}
