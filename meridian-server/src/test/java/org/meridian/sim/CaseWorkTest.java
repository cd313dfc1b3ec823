package org.meridian.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meridian.app.DemoDirectory;
import org.meridian.app.MeridianServer;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/**
 * The demo city's people work cases through the public interfaces: reports come in over Open311, and cases go all the
 * way to a rated closure, so the indicators have figures (a city day in 24 seconds here).
 */
class CaseWorkTest {
    @TempDir
    Path data;

    @Test
    void reportsAreWorkedToARatedClosure() throws Exception {
        try (MeridianServer server = TestServer.startOwn(data, Map.of());
             CaseWork work = CaseWork.start(new CaseWork.Options(5, 3600, "http://127.0.0.1:" + server.port(),
                     TestServer.demoDirectory(server, 3600), DemoDirectory.PASSWORD, "dispatcher", "inspector",
                     Map.of("water", "water", "urban-management", "urban", "transport", "transport", "ecology", "ecology"), 1, 0))) {
            Api dispatcher = TestServer.client(server).as("dispatcher", DemoDirectory.PASSWORD);
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            Set<String> states = new HashSet<>();
            int ratings = 0;
            while (ratings == 0 && System.nanoTime() < deadline) {
                Thread.sleep(1_000);
                dispatcher.get("/cases/v1/cases?limit=500").send().json().forEach(c -> states.add(c.path("state").asText()));
                for (JsonNode figures : dispatcher.get("/cases/v1/kpis").send().json()) {
                    ratings += figures.path("ratings").asInt();
                }
            }
            assertThat(ratings).as("cases rated after their closure (the dispatcher calling back)").isPositive();
            assertThat(states).as("cases in the states they pass through").contains("closed");
            JsonNode open311 = TestServer.client(server).anonymous().get("/open311/v2/requests.json").send().json();
            Set<String> channels = new HashSet<>();
            open311.forEach(request -> channels.add(dispatcher.get("/cases/v1/cases/" + request.path("service_request_id").asText())
                    .send().json().path("source").asText()));
            assertThat(channels).as("citizens report through Open311, the inspector on the case API").contains("open311");
        }
    }
}
