package org.meridian.security;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meridian.app.MeridianServer;
import org.meridian.app.Settings;
import org.meridian.ingest.IngestSettings;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;
import org.slf4j.LoggerFactory;

/** What the log never holds, what one address may not try, and what an operator may open to anyone. */
@Tag("security")
class SecretsAndThrottlesTest {

    /** Passwords, tokens, refresh tokens, client secrets and API keys, right or wrong, never reach the log. */
    @Test
    void noSecretOrTokenIsEverLogged(@TempDir Path data) {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        log.start();
        root.addAppender(log);
        try (MeridianServer server = TestServer.startOwn(data, Map.of(IngestSettings.MQTT_PORT, "-1"))) {
            Api operator = TestServer.client(server);
            String password = "a-person's-secret-" + System.nanoTime();
            assertThat(operator.put("/admin/v1/departments/ecology", "{\"name\": \"Ecology\"}").send().status()).isIn(200, 201);
            assertThat(operator.post("/admin/v1/users", "{\"username\": \"li\", \"password\": \"" + password
                    + "\", \"roles\": [{\"department\": \"ecology\", \"role\": \"staff\"}]}").send().status()).isEqualTo(201);
            JsonNode signedIn = operator.anonymous().postForm("/auth/token", "grant_type=password&username=li&password=" + password)
                    .send().json();
            String token = signedIn.path("access_token").asText();
            String refresh = signedIn.path("refresh_token").asText();
            JsonNode client = operator.post("/admin/v1/clients", "{\"id\": \"eco-system\", \"department\": \"ecology\"}").send().json();
            String secret = client.path("secret").asText();
            String apiKey = client.path("apiKey").asText();
            assertThat(secret).isNotBlank();
            String wrong = "wrong-guess-" + System.nanoTime();
            Api anyone = operator.anonymous();
            anyone.postForm("/auth/token", "grant_type=password&username=li&password=" + wrong).send();
            anyone.postForm("/auth/token", "grant_type=refresh_token&refresh_token=" + refresh).send();
            anyone.postForm("/auth/token", "grant_type=refresh_token&refresh_token=" + refresh).send();
            anyone.postForm("/auth/token", "grant_type=client_credentials&client_id=eco-system&client_secret=" + secret).send();
            anyone.get("/auth/me").header("Authorization", "Bearer " + token).send();
            anyone.get("/auth/me").header("Authorization", "Bearer " + token + "tampered").send();
            anyone.get("/auth/me").header("X-Api-Key", apiKey).send();
            anyone.get("/auth/me").header("X-Api-Key", "eco-system." + wrong).send();
            anyone.post("/admin/v1/clients/eco-system/secret", "").header("X-Api-Key", apiKey).send();

            List<String> logged = log.list.stream().map(event -> event.getFormattedMessage()
                    + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()))).toList();
            assertThat(logged).as("the log says something (the capture works)").isNotEmpty();
            for (String secretText : List.of(TestServer.ADMIN_PASSWORD, password, wrong, token, refresh, secret, apiKey)) {
                assertThat(logged).as("a secret in the log").noneMatch(line -> line.contains(secretText));
            }
        } finally {
            root.detachAppender(log);
        }
    }

    /** Guessing from one address is throttled across accounts: thirty failures, then even another account waits. */
    @Test
    void guessingFromOneAddressIsThrottledAcrossAccounts(@TempDir Path data) {
        try (MeridianServer server = TestServer.startOwn(data, Map.of(IngestSettings.MQTT_PORT, "-1"))) {
            Api anyone = TestServer.client(server).anonymous();
            for (int i = 0; i < 30; i++) {
                Api.Response refused = anyone.postForm("/auth/token", "grant_type=password&username=user" + i + "&password=guess").send();
                assertThat(refused.status()).as("attempt %d: %s", i, refused).isEqualTo(400);
            }
            Api.Response throttled = anyone.postForm("/auth/token", "grant_type=password&username=admin&password="
                    + TestServer.ADMIN_PASSWORD).send();
            assertThat(throttled.status()).as("the address is throttled, whichever account it tries").isEqualTo(429);
            assertThat(throttled.json().path("error").asText()).isEqualTo("slow_down");
        }
    }

    /** /metrics and /openapi.yaml need a role, unless the operators open them to anyone. */
    @Test
    void operatorsMayOpenMetricsToAnyone(@TempDir Path data) {
        try (MeridianServer server = TestServer.startOwn(data, Map.of(IngestSettings.MQTT_PORT, "-1",
                Settings.OPEN_TO_ANYONE, "metrics"))) {
            Api anyone = TestServer.client(server).anonymous();
            Api.Response metrics = anyone.get("/metrics").send();
            assertThat(metrics.status()).isEqualTo(200);
            assertThat(metrics.body()).contains("meridian_");
            assertThat(anyone.get("/openapi.yaml").send().status()).as("not opened").isEqualTo(401);
            assertThat(anyone.get("/admin/v1/users").send().status()).isEqualTo(401);
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MeridianServer.validate(Settings.fromEnvironment(
                        Map.of(Settings.OPEN_TO_ANYONE, "metrics,admin"))))
                .hasMessageContaining("MERIDIAN_OPEN_TO_ANYONE").hasMessageContaining("'admin'");
    }
}
