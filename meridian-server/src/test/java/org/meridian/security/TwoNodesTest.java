package org.meridian.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meridian.app.MeridianServer;
import org.meridian.ingest.IngestSettings;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/**
 * Two nodes of one deployment (one database): a token from one works on the other, and signing out, disabling a
 * person and revoking a grant on one take effect at once on the other, with no cache to wait for.
 */
@Tag("security")
class TwoNodesTest {
    @Test
    void revocationTakesEffectAtOnceOnEveryNode(@TempDir Path data) {
        Map<String, String> settings = new HashMap<>(TestServer.sharedDatabase());
        settings.put(IngestSettings.MQTT_PORT, "-1");
        String tenant = TestServer.newTenant();
        Api first = TestServer.api();
        try (MeridianServer secondServer = TestServer.startOwn(data, settings)) {
            Api second = TestServer.client(secondServer);
            Accounts.department(first, tenant, "ecology");
            Accounts.department(first, tenant, "transport");
            String reader = "reader-" + tenant;
            for (String[] person : new String[][] {{reader, "transport", "staff"}, {"owner-" + tenant, "ecology", "department-admin"}}) {
                assertThat(first.post("/admin/v1/users", "{\"username\": \"" + person[0] + "\", \"password\": \"" + Accounts.PASSWORD
                        + "\", \"roles\": [{\"department\": \"" + person[1] + "\", \"role\": \"" + person[2] + "\"}]}")
                        .tenant(tenant).send().status()).isEqualTo(201);
            }
            assertThat(first.put("/sharing/v1/datasets/AirQualityObserved", "{\"owner\": \"ecology\"}").tenant(tenant).send().status())
                    .isEqualTo(201);
            assertThat(first.post("/ngsi-ld/v1/entities", "{\"id\": \"urn:ngsi-ld:AirQualityObserved:1\", \"type\": \"AirQualityObserved\"}")
                    .tenant(tenant).send().status()).isEqualTo(201);
            JsonNode grant = first.as("owner-" + tenant, Accounts.PASSWORD).post("/sharing/v1/grants", """
                    {"type": "AirQualityObserved", "grantee": "transport", "until": "%s"}""".formatted(Instant.now().plus(1, ChronoUnit.DAYS)))
                    .tenant(tenant).send().json();

            // Signed in on the first node; reads on the second.
            String token = first.anonymous().postForm("/auth/token", "grant_type=password&username=" + reader + "&password="
                    + Accounts.PASSWORD).send().json().path("access_token").asText();
            assertThat(read(second, token, tenant)).as("granted, read on the other node").isEqualTo(1);

            // The grant revoked on the first node: the second shows nothing at once.
            assertThat(first.post("/sharing/v1/grants/" + grant.path("id").asText() + "/revocation", "").tenant(tenant).send().status())
                    .isEqualTo(204);
            assertThat(read(second, token, tenant)).as("revoked on the other node").isZero();

            // Signed out on the second node: the first refuses the token at once.
            assertThat(second.anonymous().post("/auth/logout", "").header("Authorization", "Bearer " + token).send().status()).isEqualTo(204);
            assertThat(me(first, token)).isEqualTo(401);

            // Disabled on the second node: a fresh sign-in's token stops on the first at once.
            String again = first.anonymous().postForm("/auth/token", "grant_type=password&username=" + reader + "&password="
                    + Accounts.PASSWORD).send().json().path("access_token").asText();
            assertThat(me(first, again)).isEqualTo(200);
            assertThat(second.patch("/admin/v1/users/" + reader, "{\"disabled\": true}").tenant(tenant).send().status()).isEqualTo(200);
            assertThat(me(first, again)).isEqualTo(401);
        }
    }

    private static int read(Api node, String token, String tenant) {
        Api.Response response = node.anonymous().get("/ngsi-ld/v1/entities?type=AirQualityObserved")
                .header("Authorization", "Bearer " + token).tenant(tenant).send();
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json().size();
    }

    private static int me(Api node, String token) {
        return node.anonymous().get("/auth/me").header("Authorization", "Bearer " + token).send().status();
    }
}
