package org.meridian.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meridian.app.MeridianServer;
import org.meridian.app.Settings;
import org.meridian.identity.IdentitySettings;
import org.meridian.ingest.IngestSettings;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/** MERIDIAN_AUTH=off: everyone may do everything, and only on loopback. */
@org.junit.jupiter.api.Tag("security")
class AuthenticationOffTest {
    @Test
    void offServesEveryoneOnLoopbackAndIsRefusedOnOtherInterfaces(@TempDir Path data, @TempDir Path other) {
        try (MeridianServer server = TestServer.startOwn(data, Map.of(IdentitySettings.AUTH, "off", IngestSettings.MQTT_PORT, "-1"))) {
            Api anonymous = TestServer.client(server).anonymous();
            Api.Response created = anonymous.post("/ngsi-ld/v1/entities", "{\"id\": \"urn:ngsi-ld:Bench:1\", \"type\": \"Bench\"}").send();
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            assertThat(anonymous.get("/admin/v1/users").send().status()).isEqualTo(200);
        }
        assertThatThrownBy(() -> TestServer.startOwn(other, Map.of(IdentitySettings.AUTH, "off", Settings.HOST, "0.0.0.0",
                IngestSettings.MQTT_PORT, "-1")))
                .hasMessageContaining("MERIDIAN_AUTH=off").hasMessageContaining("loopback");
        assertThatThrownBy(() -> MeridianServer.validate(Settings.fromEnvironment(Map.of(IdentitySettings.AUTH, "maybe"))))
                .hasMessageContaining("MERIDIAN_AUTH must be on or off");
    }
}
