package org.meridian.federation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.meridian.cases.CaseKpis;
import org.meridian.cases.CaseService;
import org.meridian.core.json.Json;
import org.meridian.core.security.Caller;

/**
 * Case KPIs rolled up the hierarchy on demand: a node's own figures, computed over its own cases, combined with each
 * child's total, which the child computes over its own cases and its children's (the same request, one level down).
 * A child that does not answer is named as missing, and the total is of those that answered: partial, never silent.
 */
public final class KpiRollup implements AutoCloseable {
    static final Duration CHILD_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_ANSWER_BYTES = 1024 * 1024;

    private final CaseService cases;
    private final Children children;
    private final FederationSettings settings;
    private final String alias;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient client = HttpClient.newBuilder().executor(threads).connectTimeout(Duration.ofSeconds(3))
            .version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER).build();

    KpiRollup(CaseService cases, Children children, FederationSettings settings, String alias) {
        this.cases = cases;
        this.children = children;
        this.settings = settings;
        this.alias = alias;
    }

    /**
     * @param via the request's {@code Via} header: a roll-up that comes back through this node (a registration loop)
     *            answers with its own figures only
     */
    public ObjectNode rollup(Caller caller, Instant from, Instant to, String via) {
        CaseKpis.Figures own = cases.totals(caller, from, to);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("node", settings.name()).put("level", settings.level()).put("from", from.toString()).put("to", to.toString());
        List<CaseKpis.Figures> parts = new ArrayList<>(List.of(own));
        ArrayNode childRows = out.putArray("children");
        ArrayNode missing = JsonNodeFactory.instance.arrayNode();
        if (via == null || !via.contains(alias)) {
            String viaOut = (via == null || via.isBlank() ? "" : via + ", ") + "1.1 " + alias;
            List<Children.Child> found = children.of(caller.tenant());
            List<CompletableFuture<Object>> answers = new ArrayList<>();
            for (Children.Child child : found) {
                answers.add(CompletableFuture.supplyAsync(() -> ask(child, caller.tenant(), from, to, viaOut), threads)
                        .completeOnTimeout("no answer within " + CHILD_TIMEOUT.toSeconds() + " s", CHILD_TIMEOUT.toMillis() + 100,
                                TimeUnit.MILLISECONDS));
            }
            for (int i = 0; i < found.size(); i++) {
                Children.Child child = found.get(i);
                Object answer = answers.get(i).join();
                ObjectNode row = childRows.addObject().put("node", child.name()).put("level", child.level());
                if (answer instanceof CaseKpis.Figures total) {
                    parts.add(total);
                    row.set("total", CaseKpis.json(total));
                } else {
                    row.put("missing", answer.toString());
                    missing.add(child.name());
                }
            }
        }
        out.set("own", CaseKpis.json(own));
        out.set("total", CaseKpis.json(CaseKpis.combine(parts)));
        if (!missing.isEmpty()) {
            out.set("missing", missing);
        }
        return out;
    }

    /** The child's total, or why there is none (a String). */
    private Object ask(Children.Child child, String tenant, Instant from, Instant to, String via) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(child.base() + "/federation/v1/kpis?from="
                    + URLEncoder.encode(from.toString(), StandardCharsets.UTF_8) + "&to=" + URLEncoder.encode(to.toString(), StandardCharsets.UTF_8)))
                    .timeout(CHILD_TIMEOUT).header("Accept", "application/json").header("Via", via);
            if (child.apiKey() != null) {
                request.header("X-Api-Key", child.apiKey());
            }
            if (tenant != null && !tenant.isEmpty()) {
                request.header("NGSILD-Tenant", tenant);
            }
            HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    return "answered " + response.statusCode();
                }
                byte[] bytes = body.readNBytes(MAX_ANSWER_BYTES + 1);
                if (bytes.length > MAX_ANSWER_BYTES) {
                    return "answer too large";
                }
                JsonNode json = Json.parseBytes(bytes);
                CaseKpis.Figures total = json == null ? null : CaseKpis.fromJson(json.get("total"));
                return total == null ? "answered something other than KPIs" : total;
            }
        } catch (java.net.http.HttpTimeoutException e) {
            return "no answer within " + CHILD_TIMEOUT.toSeconds() + " s";
        } catch (java.io.IOException | RuntimeException e) {
            return "unreachable (" + e.getClass().getSimpleName() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
