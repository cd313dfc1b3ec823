package org.meridian.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A reading over MQTT → the rule's case open and its {@code Alert} entity written, while devices send a steady
 * background load over MQTT (MERIDIAN_BENCH_RULES_RATE readings a second, default 10,000) that a second rule watches
 * too. Each trial is one underpass gauge rising above its limit: the time from its publication until the episode's
 * trace shows both the case and the alert (both are written before the trace records them). Prints p50/p95/p99/max.
 * MERIDIAN_BENCH_RULES_WATCH_BACKGROUND=0 leaves the background readings to ingest alone (no second rule). The first
 * MERIDIAN_BENCH_RULES_WARMUP trials (default 10) are the code paths' first runs (the first case, the first alert):
 * reported apart, not in the percentiles.
 */
final class RulesLatencyBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "bench-gateway-secret";

    private final String base;
    private final String mqttUrl;
    private final int devices;
    private final int rate;
    private final int trials;
    private final int warmup = Math.max(0, Integer.parseInt(System.getenv().getOrDefault("MERIDIAN_BENCH_RULES_WARMUP", "10")));
    /** Gauges 0 … warmup − 1 are the warm-up's; trial i is gauge warmup + i. */
    private final int gauges;
    private final String run = Long.toHexString(System.nanoTime());
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /**
     * How often a trial asks whether its case and alert are there (MERIDIAN_BENCH_RULES_POLL_MS, default 10): each ask
     * is work for the server on the same two cores, so the figure trades the measure's grain against its weight.
     */
    private final long pollMillis = Math.max(1, Long.parseLong(System.getenv().getOrDefault("MERIDIAN_BENCH_RULES_POLL_MS", "10")));
    private final AtomicLong polls = new AtomicLong();

    RulesLatencyBenchmark(String base, String mqttUrl, int devices, int rate, int trials) {
        this.base = base;
        this.mqttUrl = mqttUrl;
        this.devices = devices;
        this.rate = rate;
        this.trials = trials;
        this.gauges = warmup + trials;
    }

    void run() throws Exception {
        setUp();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong sent = new AtomicLong();
        List<Thread> background = new ArrayList<>();
        int connections = 4;
        for (int c = 0; c < connections; c++) {
            int connection = c;
            background.add(Thread.ofPlatform().name("background-" + c).daemon().start(() -> publishBackground(connection, connections, running, sent)));
        }
        Thread.sleep(10_000);
        long warmSent = sent.get();
        long warmAt = System.nanoTime();
        // The counted trials' own figures (the server's pauses, the cores, the benchmark's reads) start after the warm-up.
        CpuAccounting cpu = null;
        double[] pausesBefore = null;
        long pollsBefore = 0;
        long trialsAt = 0;
        long[] latencies = new long[trials];
        long[] publishedAt = new long[gauges];
        long[] warmupLatencies = new long[warmup];
        int missed = 0;
        try (RawMqttPublisher trigger = new RawMqttPublisher(mqttUrl, "bench-trigger-" + run, "flood" + run, SECRET, 10, id -> { })) {
            for (int g = 0; g < gauges; g++) {
                if (g == warmup) {
                    cpu = CpuAccounting.fromEnvironment();
                    pausesBefore = CollectorPauses.of(base);
                    pollsBefore = polls.get();
                    trialsAt = System.nanoTime();
                }
                String gauge = "urn:ngsi-ld:FloodMonitoring:gauge-" + run + "-" + g;
                long start = System.nanoTime();
                publishedAt[g] = System.currentTimeMillis();
                trigger.publish("/flood" + run + "/gauge-" + run + "-" + g + "/attrs", "{\"lvl\": 0.62}".getBytes(StandardCharsets.UTF_8));
                trigger.flush();
                long latency = awaitCaseAndAlert(gauge, start);
                if (g < warmup) {
                    warmupLatencies[g] = latency;
                } else {
                    latencies[g - warmup] = latency;
                    missed += latency < 0 ? 1 : 0;
                }
                Thread.sleep(200);
            }
        }
        double seconds = (System.nanoTime() - warmAt) / 1e9;
        String cpuUse = cpu == null ? "" : cpu.report(System.nanoTime() - trialsAt);
        long pollCount = polls.get() - pollsBefore;
        double trialSeconds = (System.nanoTime() - trialsAt) / 1e9;
        String pauses = CollectorPauses.between(pausesBefore, CollectorPauses.of(base));
        long backgroundSent = sent.get() - warmSent;
        running.set(false);
        for (Thread thread : background) {
            thread.join(30_000);
        }
        long[] seen = Arrays.stream(latencies).filter(l -> l >= 0).sorted().toArray();
        System.out.printf(Locale.ROOT, "rules: %d trials while %d background devices sent %.0f readings/s over MQTT (paced at %d/s), %s%n",
                trials, devices, backgroundSent / seconds, rate,
                "0".equals(System.getenv("MERIDIAN_BENCH_RULES_WATCH_BACKGROUND")) ? "no rule watching them" : "a rule watching them too");
        System.out.printf(Locale.ROOT, "  reading published → case open and Alert written: p50 %.0f ms, p95 %.0f ms, p99 %.0f ms, "
                        + "max %.0f ms; %d not seen within 30 s%n", percentile(seen, 0.5), percentile(seen, 0.95), percentile(seen, 0.99),
                seen.length == 0 ? Double.NaN : seen[seen.length - 1] / 1e6, missed);
        if (warmup > 0) {
            System.out.printf(Locale.ROOT, "  warm-up before them, not counted: %d trials, %s ms%n", warmup, Arrays.stream(warmupLatencies)
                    .mapToObj(l -> l < 0 ? "unseen" : String.valueOf(l / 1_000_000)).collect(java.util.stream.Collectors.joining(", ")));
        }
        System.out.printf(Locale.ROOT, "  the benchmark's own reads while it waited: %d (every %d ms, %.0f a second)%n", pollCount, pollMillis,
                pollCount / trialSeconds);
        if (!pauses.isEmpty()) {
            System.out.println("  the server's collector during the trials: " + pauses);
        }
        if (!cpuUse.isEmpty()) {
            System.out.println("  cores used during the trials: " + cpuUse);
        }
        stages(publishedAt, latencies);
    }

    /**
     * Where the time went, by the stamps the platform wrote (one machine, one clock): published → the reading stored
     * (the entity's modifiedAt), → the episode opened (the rule's step), → its case and alert done (the trace's steps).
     */
    private void stages(long[] publishedAt, long[] latencies) throws Exception {
        long[][] stages = new long[5][trials];
        // By trial, for the slowest ones: when they ran and where their time went (a stall shows as neighbours).
        long[][] byTrial = new long[trials][];
        int found = 0;
        for (JsonNode episode : JSON.readTree(get("/rules/v1/episodes?rule=bench-flood-" + run + "&limit=1000"))) {
            String key = episode.path("key").asText();
            int trial = Integer.parseInt(key.substring(key.lastIndexOf('-') + 1)) - warmup;
            if (trial < 0) {
                continue;
            }
            JsonNode entity = JSON.readTree(get("/ngsi-ld/v1/entities/" + key + "?options=sysAttrs"));
            JsonNode trace = JSON.readTree(get("/rules/v1/episodes/" + episode.path("id").asText() + "/trace"));
            long stored = java.time.Instant.parse(entity.path("modifiedAt").asText()).toEpochMilli();
            long opened = java.time.Instant.parse(trace.path("openedAt").asText()).toEpochMilli();
            long acted = opened;
            long caseDone = opened;
            long alertDone = opened;
            for (JsonNode step : trace.path("steps")) {
                String kind = step.path("kind").asText();
                if (kind.matches("case|alert")) {
                    long at = java.time.Instant.parse(step.path("at").asText()).toEpochMilli();
                    acted = Math.max(acted, at);
                    caseDone = kind.equals("case") ? at : caseDone;
                    alertDone = kind.equals("alert") ? at : alertDone;
                }
            }
            stages[0][found] = stored - publishedAt[warmup + trial];
            stages[1][found] = opened - stored;
            stages[2][found] = acted - opened;
            stages[3][found] = caseDone - opened;
            stages[4][found] = alertDone - opened;
            byTrial[trial] = new long[] {stored - publishedAt[warmup + trial], opened - stored, caseDone - opened, alertDone - opened};
            found++;
        }
        String[] names = {"published → received (the reading's modifiedAt)", "received → episode opened",
            "opened → case and alert done", "  opened → case done", "  opened → alert done"};
        for (int stage = 0; stage < names.length; stage++) {
            long[] sorted = Arrays.stream(stages[stage], 0, found).map(ms -> ms * 1_000_000).sorted().toArray();
            System.out.printf(Locale.ROOT, "    %s: p50 %.0f ms, p99 %.0f ms%n", names[stage], percentile(sorted, 0.5), percentile(sorted, 0.99));
        }
        Integer[] slowest = java.util.stream.IntStream.range(0, trials).boxed()
                .sorted(java.util.Comparator.comparingLong((Integer trial) -> latencies[trial]).reversed()).limit(5).toArray(Integer[]::new);
        StringBuilder slow = new StringBuilder("    slowest trials (at s after the first counted: total = published → received + → opened + → case | alert):");
        for (int trial : slowest) {
            long[] split = byTrial[trial];
            slow.append(String.format(Locale.ROOT, "%n      #%d at %.1f s: %d ms = %s", trial, (publishedAt[warmup + trial] - publishedAt[warmup]) / 1e3,
                    latencies[trial] < 0 ? -1 : latencies[trial] / 1_000_000, split == null ? "(no episode or unseen)" : split[0] + " + " + split[1] + " + " + split[2] + " | " + split[3]));
        }
        System.out.println(slow);
        // Of "received → opened", the part spent before the reading's batch committed (the server's own timer, over the
        // last two minutes of every measurement, background ones included).
        StringBuilder delay = new StringBuilder();
        for (String line : get("/metrics").split("\n")) {
            if (line.startsWith("meridian_ingest_delay_seconds{quantile=")) {
                String quantile = line.substring(line.indexOf('"') + 1, line.lastIndexOf('"'));
                delay.append(delay.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "p%.0f %.0f ms",
                        Double.parseDouble(quantile) * 100, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)) * 1000));
            }
        }
        System.out.println("    of which received → committed, all measurements (meridian_ingest_delay): " + delay);
    }

    private void setUp() throws Exception {
        check(send("POST", "/iot/services", "{\"services\": [{\"apikey\": \"bg" + run + "\", \"entity_type\": \"WaterLevelObserved\", "
                + "\"gateway_secret\": \"" + SECRET + "\", \"attributes\": [{\"object_id\": \"v\", \"name\": \"waterLevel\", \"type\": \"Number\"}]}, "
                + "{\"apikey\": \"flood" + run + "\", \"entity_type\": \"FloodMonitoring\", \"gateway_secret\": \"" + SECRET + "\", "
                + "\"attributes\": [{\"object_id\": \"lvl\", \"name\": \"currentLevel\", \"type\": \"Number\", \"unitCode\": \"MTR\"}]}]}",
                "application/json"), "service groups");
        for (int start = 0; start < devices; start += 500) {
            StringBuilder body = new StringBuilder("{\"devices\": [");
            for (int i = start; i < Math.min(devices, start + 500); i++) {
                body.append(i == start ? "" : ",").append("{\"device_id\": \"bg-").append(i).append("\", \"apikey\": \"bg").append(run).append("\"}");
            }
            check(send("POST", "/iot/devices", body.append("]}").toString(), "application/json"), "background devices");
        }
        StringBuilder gaugeDevices = new StringBuilder("{\"devices\": [");
        for (int i = 0; i < gauges; i++) {
            gaugeDevices.append(i == 0 ? "" : ",").append("{\"device_id\": \"gauge-").append(run).append('-').append(i).append("\", \"apikey\": \"flood")
                    .append(run).append("\", \"static_attributes\": {\"location\": {\"type\": \"GeoProperty\", \"value\": {\"type\": \"Point\", "
                            + "\"coordinates\": [").append(120.1 + i * 0.001).append(", 30.25]}}}}");
        }
        check(send("POST", "/iot/devices", gaugeDevices.append("]}").toString(), "application/json"), "gauges");
        // The gauges have spoken once, low: their entities exist for the rule to name.
        try (RawMqttPublisher first = new RawMqttPublisher(mqttUrl, "bench-first-" + run, "flood" + run, SECRET, Math.max(100, gauges), id -> { });
             RawMqttPublisher firstBackground = new RawMqttPublisher(mqttUrl, "bench-first-bg-" + run, "bg" + run, SECRET, 100, id -> { })) {
            for (int i = 0; i < gauges; i++) {
                first.publish("/flood" + run + "/gauge-" + run + "-" + i + "/attrs", "{\"lvl\": 0.05}".getBytes(StandardCharsets.UTF_8));
            }
            firstBackground.publish("/bg" + run + "/bg-0/attrs", "{\"v\": 1}".getBytes(StandardCharsets.UTF_8));
            first.flush();
            firstBackground.flush();
            Thread.sleep(3_000);
        }
        check(send("PUT", "/admin/v1/departments/water", "{\"name\": \"水务 Water\"}", "application/json"), "the rules' department");
        for (String type : List.of("FloodMonitoring", "WaterLevelObserved")) {
            check(send("PUT", "/sharing/v1/datasets/" + type, "{\"owner\": \"water\"}", "application/json"), "the department's datasets");
        }
        check(send("PUT", "/cases/v1/categories/bench-flood", "{\"name\": \"Bench flood\", \"kind\": \"event\"}", "application/json"),
                "case category");
        check(send("POST", "/rules/v1/rules", """
                id: bench-flood-%s
                name: Underpass above its limit
                department: water
                when:
                  all:
                    - {type: FloodMonitoring, attribute: currentLevel, above: 0.3}
                then:
                  - openCase: {category: bench-flood, urgency: urgent}
                  - raiseAlert: {category: weather, subCategory: flood}
                """.formatted(run), "application/yaml"), "the flood rule");
        boolean watched = !"0".equals(System.getenv("MERIDIAN_BENCH_RULES_WATCH_BACKGROUND"));
        if (watched) {
            check(send("POST", "/rules/v1/rules", """
                id: bench-level-%s
                name: Level sensors far out of range
                department: water
                when:
                  all:
                    - {type: WaterLevelObserved, attribute: waterLevel, above: 1000}
                lateness: PT5S
                then:
                  - raiseAlert: {category: water}
                """.formatted(run), "application/yaml"), "the background rule");
            check(send("POST", "/rules/v1/rules/bench-level-" + run + "/enable", "", null), "enabling");
        }
        check(send("POST", "/rules/v1/rules/bench-flood-" + run + "/enable", "", null), "enabling");
        Thread.sleep(3_000);
    }

    private void publishBackground(int connection, int connections, AtomicBoolean running, AtomicLong sent) {
        long intervalNanos = (long) (1e9 * connections / rate);
        try (RawMqttPublisher publisher = new RawMqttPublisher(mqttUrl, "bench-bg-" + connection + "-" + run, "bg" + run, SECRET, 1000,
                id -> sent.incrementAndGet())) {
            long due = System.nanoTime();
            for (long n = connection; running.get(); n += connections) {
                due += intervalNanos;
                long ahead = due - System.nanoTime();
                if (ahead > 1_000_000) {
                    publisher.flush();
                    java.util.concurrent.locks.LockSupport.parkNanos(ahead);
                }
                String payload = "{\"v\": " + (n % 1000) / 100.0 + "}";
                publisher.publish("/bg" + run + "/bg-" + (n % devices) + "/attrs", payload.getBytes(StandardCharsets.UTF_8));
                if ((n / connections) % 50 == 0) {
                    publisher.flush();
                }
            }
            publisher.flush();
        } catch (Exception e) {
            System.out.println("  background publisher stopped: " + e);
        }
    }

    /** Nanoseconds from the start until the gauge's episode shows its case and alert done; -1 after 30 s. */
    private long awaitCaseAndAlert(String gauge, long start) throws Exception {
        String episode = null;
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(30)) {
            if (episode == null) {
                // Newest first: the trial's episode is among the few latest (listing every earlier one at each ask cost
                // the server more than the readings' rule did).
                for (JsonNode each : JSON.readTree(get("/rules/v1/episodes?rule=bench-flood-" + run + "&limit=5"))) {
                    if (each.path("key").asText().equals(gauge)) {
                        episode = each.path("id").asText();
                    }
                }
            }
            if (episode != null) {
                String steps = JSON.readTree(get("/rules/v1/episodes/" + episode + "/trace")).path("steps").toString();
                if (steps.contains("\"kind\":\"case\"") && steps.contains("\"kind\":\"alert\"")) {
                    return System.nanoTime() - start;
                }
            }
            Thread.sleep(pollMillis);
        }
        return -1;
    }

    private String get(String path) throws Exception {
        polls.incrementAndGet();
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private HttpResponse<String> send(String method, String path, String body, String type) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).method(method, HttpRequest.BodyPublishers.ofString(body));
        if (type != null) {
            request.header("Content-Type", type);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void check(HttpResponse<String> response, String what) {
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(what + ": " + response.statusCode() + " " + response.body());
        }
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }
}
