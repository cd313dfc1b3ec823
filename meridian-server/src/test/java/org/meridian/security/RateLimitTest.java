package org.meridian.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meridian.app.MeridianServer;
import org.meridian.app.Settings;
import org.meridian.ingest.IngestSettings;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/** Requests per client: past its burst a client is refused with 429 and Retry-After; other clients are not. */
@org.junit.jupiter.api.Tag("security")
class RateLimitTest {
    @Test
    void aClientPastItsBurstIsRefusedAndOthersAreNot(@TempDir Path data) {
        try (MeridianServer server = TestServer.startOwn(data, Map.of(IngestSettings.MQTT_PORT, "-1",
                Settings.RATE_LIMIT_PER_SECOND, "1", Settings.RATE_LIMIT_BURST, "5"))) {
            Api operator = TestServer.client(server);
            operator.authorization(); // signed in (the sign-in counts against the address, not the account)
            int served = 0;
            Api.Response refused = null;
            for (int i = 0; i < 10 && refused == null; i++) {
                Api.Response response = operator.get("/ngsi-ld/v1/types").send();
                if (response.status() == 429) {
                    refused = response;
                } else {
                    served++;
                }
            }
            assertThat(served).as("the burst, and at most one more refilled meanwhile").isBetween(5, 6);
            assertThat(refused).isNotNull();
            assertThat(refused.json().path("code").asText()).isEqualTo("platform.RATE_LIMITED");
            assertThat(refused.header("Retry-After")).isEqualTo("1");
            assertThat(operator.anonymous().get("/health").send().status()).as("another client: the address").isEqualTo(200);
        }
    }
}
