package org.meridian.bench;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Device ingest end to end: measurements published over MQTT with QoS 1 (to the embedded endpoint, or to an external
 * Mosquitto that Meridian subscribes to) and posted over HTTP, counted until stored. Stored means counted by the
 * server's {@code meridian_ingest_accepted_total}, which moves after the commit; lost = acknowledged by the broker but
 * never stored. Each payload carries its publication time as TimeInstant, so the server's
 * {@code meridian_ingest_delay} measures publication to commit, through whichever broker.
 */
final class IngestBenchmark {
    private static final Pattern ACCEPTED = Pattern.compile("meridian_ingest_accepted_total\\{transport=\"(\\w+)\"} ([0-9.E]+)");
    private static final Pattern DELAY = Pattern.compile("meridian_ingest_delay_seconds\\{quantile=\"([0-9.]+)\"} ([0-9.E-]+)");
    private static final String SECRET = "bench-gateway-secret";

    private final String base;
    private final String mqttUrl;
    private final boolean external;
    private final int devices;
    private final int measurements;
    private final String apiKey = "bench" + Long.toHexString(System.nanoTime());
    private final java.net.http.HttpClient metricsClient = java.net.http.HttpClient.newHttpClient();

    IngestBenchmark(String base, String mqttUrl, boolean external, int devices, int measurements) {
        this.base = base;
        this.mqttUrl = mqttUrl;
        this.external = external;
        this.devices = devices;
        this.measurements = measurements;
    }

    void run() throws Exception {
        try (RawHttpConnection http = new RawHttpConnection(base)) {
            check(http.request("POST", "/iot/services", "{\"apikey\": \"" + apiKey + "\", \"entity_type\": \"WaterLevelObserved\", "
                    + "\"gateway_secret\": \"" + SECRET + "\", \"attributes\": [{\"object_id\": \"v\", \"name\": \"waterLevel\", "
                    + "\"type\": \"Number\", \"unitCode\": \"MTR\"}]}"), "creating the service group");
            for (int start = 0; start < devices; start += 500) {
                StringBuilder body = new StringBuilder("{\"devices\": [");
                for (int i = start; i < Math.min(devices, start + 500); i++) {
                    body.append(i == start ? "" : ",").append("{\"device_id\": \"").append(device(i)).append("\", \"apikey\": \"")
                            .append(apiKey).append("\"}");
                }
                check(http.request("POST", "/iot/devices", body.append("]}").toString()), "provisioning devices");
            }
        }
        System.out.printf(Locale.ROOT, "ingest: %d devices provisioned; %d measurements per run%n", devices, measurements);
        if (mqttUrl != null) {
            // The first round after start-up pays for JIT compilation (C2 took 0.15 of a core during it); the second
            // is the steady state a city's server runs in. Both are printed.
            mqtt(4, "first round after start-up");
            mqtt(4, "second round (warm)");
        }
        if (!external) {
            http(16);
        }
    }

    private String device(int i) {
        return String.format("dev-%06d", i);
    }

    /**
     * Publishes the measurements over QoS 1 and counts them until stored. With {@code MERIDIAN_BENCH_INGEST_RATE} set,
     * the publishers pace themselves to that many measurements a second in all, as devices do; otherwise they publish
     * as fast as the broker takes them, and a broker's queue absorbs what Meridian has not taken yet.
     */
    private void mqtt(int connections, String round) throws Exception {
        double rate = Double.parseDouble(System.getenv().getOrDefault("MERIDIAN_BENCH_INGEST_RATE", "0"));
        long intervalNanos = rate > 0 ? (long) (1e9 * connections / rate) : 0;
        double acceptedBefore = accepted("mqtt");
        long[] latencies = new long[measurements];
        AtomicInteger acknowledged = new AtomicInteger();
        CpuAccounting cpu = CpuAccounting.fromEnvironment();
        long start = System.nanoTime();
        ExecutorService publishers = Executors.newFixedThreadPool(connections);
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            int connection = c;
            running.add(publishers.submit(() -> {
                // Packet ids wrap at 65,535; the window (1,000) keeps them unique among the unacknowledged.
                long[] sentAt = new long[65_536];
                int[] sequenceOf = new int[65_536];
                try (RawMqttPublisher publisher = new RawMqttPublisher(mqttUrl, "bench-" + connection + "-" + System.nanoTime(),
                        external ? null : apiKey, external ? null : SECRET, 1000, id -> {
                            latencies[sequenceOf[id]] = System.nanoTime() - sentAt[id];
                            acknowledged.incrementAndGet();
                        })) {
                    long due = System.nanoTime();
                    for (int n = connection; n < measurements; n += connections) {
                        if (intervalNanos > 0) {
                            due += intervalNanos;
                            long ahead = due - System.nanoTime();
                            if (ahead > 1_000_000) {
                                publisher.flush();
                                java.util.concurrent.locks.LockSupport.parkNanos(ahead);
                            }
                        }
                        String payload = "{\"v\": " + (n % 1000) / 100.0 + ", \"TimeInstant\": \"" + Instant.now() + "\"}";
                        long sent = System.nanoTime();
                        int id = publisher.publish("/" + apiKey + "/" + device(n % devices) + "/attrs", payload.getBytes(StandardCharsets.UTF_8));
                        sentAt[id] = sent;
                        sequenceOf[id] = n;
                        if ((n / connections) % 50 == 0) {
                            publisher.flush();
                        }
                    }
                    publisher.flush();
                    while (acknowledged.get() < measurements && System.nanoTime() - start < TimeUnit.MINUTES.toNanos(10)) {
                        Thread.sleep(5);
                    }
                }
                return null;
            }));
        }
        for (Future<?> future : running) {
            future.get();
        }
        publishers.shutdown();
        long acknowledgedAt = System.nanoTime();
        // Stored: the server's counter, which moves only after commit. Wait until it stops moving.
        double stored = accepted("mqtt") - acceptedBefore;
        long storedAt = System.nanoTime();
        for (double previous = -1; stored < acknowledged.get() && stored != previous; ) {
            Thread.sleep(500);
            previous = stored;
            stored = accepted("mqtt") - acceptedBefore;
            if (stored != previous) {
                storedAt = System.nanoTime();
            }
        }
        long[] acked = Arrays.stream(latencies).filter(l -> l > 0).sorted().toArray();
        double seconds = (Math.max(acknowledgedAt, external ? storedAt : acknowledgedAt) - start) / 1e9;
        System.out.printf(Locale.ROOT, "  MQTT QoS 1 via %s, %d connections, %s%s: %d published, %d acknowledged, %d stored, %d lost%n",
                external ? "external broker " + mqttUrl : "the embedded endpoint", connections, round,
                rate > 0 ? String.format(Locale.ROOT, ", paced at %.0f/s", rate) : "", measurements, acknowledged.get(),
                (long) stored, Math.max(0, acknowledged.get() - (long) stored));
        System.out.printf(Locale.ROOT, "    %.0f measurements/s end to end (published until stored); PUBACK latency p50 %.1f ms, p99 %.1f ms%s%n",
                stored / seconds, percentile(acked, 0.5), percentile(acked, 0.99),
                external ? " (from the broker)" : " (= stored: acknowledged after commit)");
        System.out.println("    publication to commit (server, last 2 minutes): " + delay());
        System.out.println("    CPU cores busy: " + cpu.report(System.nanoTime() - start));
    }

    private void http(int clients) throws Exception {
        int count = Math.min(measurements, 50_000);
        long[] latencies = new long[count];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            running.add(pool.submit(() -> {
                // As the group's gateway (HTTP Basic, as on MQTT): its credentials are verified once a minute, then remembered.
                String gateway = "Basic " + java.util.Base64.getEncoder().encodeToString((apiKey + ":" + SECRET)
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                try (RawHttpConnection http = new RawHttpConnection(base, gateway)) {
                    for (int n = next.getAndIncrement(); n < count; n = next.getAndIncrement()) {
                        long sent = System.nanoTime();
                        int status = http.request("POST", "/iot/json?k=" + apiKey + "&i=" + device(n % devices),
                                "{\"v\": " + (n % 1000) / 100.0 + "}");
                        latencies[n] = System.nanoTime() - sent;
                        if (status != 200) {
                            errors.incrementAndGet();
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> future : running) {
            future.get();
        }
        pool.shutdown();
        double seconds = (System.nanoTime() - start) / 1e9;
        Arrays.sort(latencies);
        System.out.printf(Locale.ROOT, "  HTTP POST /iot/json, %d clients: %.0f measurements/s, latency p50 %.1f ms, p99 %.1f ms, %d errors%n",
                clients, count / seconds, percentile(latencies, 0.5), percentile(latencies, 0.99), errors.get());
    }

    private String metrics() throws Exception {
        return metricsClient.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    private double accepted(String transport) throws Exception {
        Matcher matcher = ACCEPTED.matcher(metrics());
        while (matcher.find()) {
            if (matcher.group(1).equals(transport)) {
                return Double.parseDouble(matcher.group(2));
            }
        }
        return 0;
    }

    private String delay() throws Exception {
        Matcher matcher = DELAY.matcher(metrics());
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            out.append(String.format(Locale.ROOT, "p%.0f %.1f ms ", Double.parseDouble(matcher.group(1)) * 100,
                    Double.parseDouble(matcher.group(2)) * 1000));
        }
        return out.toString().trim();
    }

    private static double percentile(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))] / 1e6;
    }

    private static void check(int status, String what) {
        if (status >= 300) {
            throw new IllegalStateException(what + " answered " + status);
        }
    }
}
