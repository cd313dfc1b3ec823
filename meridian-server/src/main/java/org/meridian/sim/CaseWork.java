package org.meridian.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo city's people at work on cases, over the platform's public APIs only: citizens report through Open311 (an
 * app with the simulator's API key), grid inspectors report and check, the dispatcher registers, dispatches, closes
 * and calls reporters back, and departments accept and handle their queues. Each takes a time drawn for the case and
 * the stage, in the city's time (a department takes about half its limit, and one case in eight runs late); a few
 * reports are rejected, duplicates are merged, some work is sent back for rework, and some reporters are not
 * satisfied — so the indicators have shape from the first minutes. Nothing is remembered but what the platform says:
 * a restart carries on where the cases are.
 */
public final class CaseWork implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CaseWork.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** A district's 12345 line takes about fifty reports a day. */
    private static final double REPORTS_PER_CITY_DAY = 50;
    private static final long TICK_MILLIS = 2_000;

    /**
     * @param speed how much faster than the wall clock the city's day runs (its stage limits are scaled the same)
     * @param apiKey the Open311 app's API key
     * @param departments department id → the username of a person working its queue
     * @param reports how many reports the city files, as a share of a whole demo city's (a district node's: a third)
     * @param refers the share of registered cases the dispatcher refers to the node above (0: none, or no node above)
     */
    public record Options(long seed, double speed, String httpBase, String apiKey, String password, String dispatcher,
                          String inspector, Map<String, String> departments, double reports, double refers) {
    }

    /** The demo directory's departments, each with the account of the person working its cases. */
    public static final Map<String, String> DEMO_DEPARTMENTS = Map.of("water", "water", "urban-management", "urban",
            "transport", "transport", "ecology", "ecology", "emergency", "emergency");

    private final Options options;
    private final CityPlan plan;
    private final Random random;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final Map<String, String> tokens = new HashMap<>();
    private final Set<String> rated = new HashSet<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("meridian-demo-cases").daemon().factory());
    private Map<String, JsonNode> categories = Map.of();
    private long ticks;

    private CaseWork(Options options) {
        this.options = options;
        // Only the city's districts are needed here (where the citizens report from): the same plan with the fewest
        // sensors (one of each kind); in a city of 100,000 the full plan was a second copy of 25 MB kept for nothing.
        this.plan = new CityPlan(options.seed(), 0);
        this.random = new Random(options.seed() ^ 0x5eed);
    }

    public static CaseWork start(Options options) {
        CaseWork work = new CaseWork(options);
        work.timer.scheduleWithFixedDelay(work::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        return work;
    }

    private void tick() {
        try {
            if (categories.isEmpty() || ticks % 150 == 0) {
                Map<String, JsonNode> known = new HashMap<>();
                get(options.dispatcher(), "/cases/v1/categories").forEach(category -> known.put(category.path("code").asText(), category));
                categories = known;
            }
            ticks++;
            report();
            dispatcherWorks();
            options.departments().forEach(this::departmentWorks);
            inspectorWorks();
        } catch (RuntimeException e) {
            LOG.warn("the demo city's case work stumbled (it carries on): {}", e.toString());
        }
    }

    // ---- reports ----

    private void report() {
        double perTick = REPORTS_PER_CITY_DAY * options.reports() * options.speed() * TICK_MILLIS / 86_400_000.0;
        if (random.nextDouble() >= perTick || categories.isEmpty()) {
            return;
        }
        List<String> codes = categories.keySet().stream().sorted().toList();
        String category = codes.get(random.nextInt(codes.size()));
        CityPlan.District district = plan.districts.get(random.nextInt(plan.districts.size()));
        double lon = district.west() + random.nextDouble() * (district.east() - district.west());
        double lat = district.south() + random.nextDouble() * (district.north() - district.south());
        String description = DESCRIPTIONS.getOrDefault(category, "问题 A problem") + " (" + district.name() + ")";
        if (random.nextDouble() < 0.15) {
            ObjectNode body = NODES.objectNode().put("category", category).put("description", description).put("source", "inspector")
                    .put("district", district.id().substring(district.id().lastIndexOf(':') + 1));
            body.putObject("location").put("type", "Point").putArray("coordinates").add(lon).add(lat);
            send(options.inspector(), "POST", "/cases/v1/cases", body.toString());
            return;
        }
        StringBuilder form = new StringBuilder("api_key=" + encode(options.apiKey()) + "&service_code=" + encode(category)
                + "&lat=" + lat + "&long=" + lon + "&description=" + encode(description)
                + "&first_name=" + encode(NAMES.get(random.nextInt(NAMES.size()))) + "&phone=1380000" + (1000 + random.nextInt(9000)));
        for (JsonNode question : categories.get(category).path("questions")) {
            if (question.path("choices").size() > 0) {
                JsonNode choices = question.path("choices");
                form.append("&attribute[").append(question.path("code").asText()).append("]=")
                        .append(encode(choices.get(random.nextInt(choices.size())).path("key").asText()));
            } else if (question.path("datatype").asText().equals("number")) {
                form.append("&attribute[").append(question.path("code").asText()).append("]=").append(1 + random.nextInt(20));
            }
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(options.httpBase() + "/open311/v2/requests.json"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(form.toString())).build();
        exchange(request);
    }

    // ---- the people at work ----

    private void dispatcherWorks() {
        String me = options.dispatcher();
        for (JsonNode summary : get(me, "/cases/v1/cases?state=received&limit=100")) {
            if (due(summary, "received")) {
                JsonNode detail = get(me, "/cases/v1/cases/" + id(summary));
                JsonNode duplicates = detail.path("events").path(0).path("data").path("likelyDuplicates");
                if (duplicates.size() > 0 && act(me, summary, "{\"action\": \"merge\", \"into\": \"" + duplicates.get(0).asText() + "\"}")) {
                    continue;
                }
                if (chance(summary, "reject", 0.05)) {
                    act(me, summary, "{\"action\": \"reject\", \"reason\": \"非城市管理范围 Not a city matter: private property\"}");
                } else {
                    act(me, summary, "{\"action\": \"register\"}");
                }
            }
        }
        for (JsonNode summary : get(me, "/cases/v1/cases?state=verified&limit=100")) {
            act(me, summary, "{\"action\": \"register\"}");
        }
        for (JsonNode summary : get(me, "/cases/v1/cases?state=registered&limit=100")) {
            if (due(summary, "registered")) {
                // Beyond the district's means now and then (a case referred here from below is this node's to solve).
                if (options.refers() > 0 && !id(summary).contains(":") && chance(summary, "refer", options.refers())
                        && act(me, summary, "{\"action\": \"refer\", \"reason\": \"超出本级处置能力 Beyond this level's means\"}")) {
                    continue;
                }
                act(me, summary, "{\"action\": \"dispatch\"}");
            }
        }
        for (JsonNode summary : get(me, "/cases/v1/cases?state=checked&limit=100")) {
            act(me, summary, "{\"action\": \"close\"}");
        }
        for (JsonNode summary : get(me, "/cases/v1/cases?state=closed&limit=50")) {
            String id = id(summary);
            if (rated.contains(id) || !due(summary, "closed")) {
                continue;
            }
            JsonNode detail = get(me, "/cases/v1/cases/" + id);
            rated.add(id);
            if (detail.has("rating") || detail.path("events").toString().contains("\"rated\"")) {
                continue;
            }
            double draw = fraction(id, "rating");
            String satisfaction = draw < 0.75 ? "satisfied" : draw < 0.9 ? "basically-satisfied" : "not-satisfied";
            boolean reopen = satisfaction.equals("not-satisfied") && draw > 0.95;
            act(me, summary, "{\"action\": \"rate\", \"satisfaction\": \"" + satisfaction + "\", \"solved\": " + (draw < 0.92)
                    + ", \"reopen\": " + reopen + "}");
        }
    }

    private void departmentWorks(String department, String person) {
        for (JsonNode summary : get(person, "/cases/v1/cases?state=dispatched&lead=" + department + "&limit=100")) {
            if (due(summary, "dispatched")) {
                act(person, summary, "{\"action\": \"accept\"}");
            }
        }
        for (JsonNode summary : get(person, "/cases/v1/cases?state=in-progress&lead=" + department + "&limit=100")) {
            if (due(summary, "in-progress")) {
                act(person, summary, "{\"action\": \"handle\", \"result\": \"" + RESULTS.getOrDefault(summary.path("category").asText(),
                        "已处置 Dealt with") + "\"}");
            }
        }
    }

    private void inspectorWorks() {
        for (JsonNode summary : get(options.inspector(), "/cases/v1/cases?state=handled&limit=100")) {
            if (due(summary, "handled")) {
                boolean passed = !chance(summary, "rework-" + summary.path("updatedAt").asText(), 0.15);
                act(options.inspector(), summary, passed ? "{\"action\": \"check\", \"passed\": true}"
                        : "{\"action\": \"check\", \"passed\": false, \"note\": \"现场复核未通过 Not fixed on site\"}");
            }
        }
    }

    /**
     * Whether the case has waited its time in the stage: a share of the stage's limit drawn for the case (about half
     * on average; one in eight beyond the limit, so some run late), in the city's time; a stage without a limit takes
     * a few city minutes.
     */
    private boolean due(JsonNode summary, String stage) {
        JsonNode category = categories.get(summary.path("category").asText());
        double hours = category == null ? 0 : category.path("limits").path(summary.path("urgency").asText("normal")).path(stage).asDouble(0);
        double draw = fraction(id(summary), stage);
        double share = draw < 0.875 ? 0.15 + draw * 0.7 : 1.1 + (draw - 0.875) * 4;
        double wallSeconds = hours > 0 ? hours * 3600 * share : (5 + 25 * draw) * 60 / options.speed();
        Instant since = Instant.parse(summary.path("updatedAt").asText());
        return Duration.between(since, Instant.now()).toMillis() >= wallSeconds * 1000;
    }

    /** A draw in [0, 1) fixed for the case and what is drawn, so every tick (and a restart) decides the same. */
    private double fraction(String id, String what) {
        return new Random((id + "/" + what).hashCode() ^ options.seed()).nextDouble();
    }

    private boolean chance(JsonNode summary, String what, double probability) {
        return fraction(id(summary), what) < probability;
    }

    private static String id(JsonNode summary) {
        return summary.path("id").asText();
    }

    // ---- HTTP, signed in as the demo's people ----

    /** Takes the action; whether it was taken. */
    private boolean act(String person, JsonNode summary, String body) {
        return send(person, "POST", "/cases/v1/cases/" + id(summary) + "/actions", body) != null;
    }

    private JsonNode get(String person, String path) {
        JsonNode answer = send(person, "GET", path, null);
        return answer == null ? NODES.arrayNode() : answer;
    }

    private JsonNode send(String person, String method, String path, String body) {
        for (int attempt = 0; attempt < 2; attempt++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(options.httpBase() + path)).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + token(person));
            if (body != null) {
                request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
            } else {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> response = exchange(request.build());
            if (response == null) {
                return null;
            }
            if (response.statusCode() == 401) {
                tokens.remove(person);
                continue;
            }
            if (response.statusCode() >= 400) {
                // Someone else acted first (409), or the case moved on: the next tick sees it as it is.
                LOG.debug("demo case work: {} {} as {}: {}", method, path, person, response.statusCode());
                return null;
            }
            try {
                return response.body().isEmpty() ? null : JSON.readTree(response.body());
            } catch (IOException e) {
                return null;
            }
        }
        return null;
    }

    private String token(String person) {
        return tokens.computeIfAbsent(person, name -> {
            HttpRequest request = HttpRequest.newBuilder(URI.create(options.httpBase() + "/auth/token")).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&username=" + encode(name) + "&password="
                            + encode(options.password()))).build();
            HttpResponse<String> response = exchange(request);
            try {
                if (response == null || response.statusCode() != 200) {
                    throw new IllegalStateException("the demo's " + name + " could not sign in");
                }
                return JSON.readTree(response.body()).path("access_token").asText();
            } catch (IOException e) {
                throw new IllegalStateException("the demo's " + name + " could not sign in", e);
            }
        });
    }

    private HttpResponse<String> exchange(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            LOG.debug("demo case work: {} {}: {}", request.method(), request.uri(), e.toString());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    private static final List<String> NAMES = List.of("王", "李", "张", "刘", "陈", "杨", "赵", "黄");
    private static final Map<String, String> DESCRIPTIONS = Map.of(
            "manhole-cover", "井盖缺失 A manhole cover is missing",
            "street-light", "路灯不亮 The street lights are out",
            "pothole", "路面坑洼 A pothole in the road",
            "waste-overflow", "垃圾桶满溢 Waste bins overflowing",
            "illegal-parking", "车辆违停占道 Cars parked on the pavement",
            "road-flooding", "道路积水 Water over the road",
            "noise", "夜间施工噪声 Building work at night");
    private static final Map<String, String> RESULTS = Map.of(
            "manhole-cover", "已更换井盖 Cover replaced",
            "street-light", "已更换灯具 Lamps replaced",
            "pothole", "已修补路面 Pothole filled",
            "waste-overflow", "已清运 Bins emptied",
            "illegal-parking", "已劝离并处罚 Cars moved on and fined",
            "road-flooding", "已疏通排水 Drains cleared",
            "noise", "已责令停工 Night work stopped");
}
