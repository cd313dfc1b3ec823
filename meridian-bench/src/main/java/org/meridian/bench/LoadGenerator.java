package org.meridian.bench;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Drives a running Meridian over loopback and prints throughput and latency: batch upserts, single creates, type +
 * q + geo queries and retrievals on a city of N entities. Bounded in requests and time; it stops by itself.
 *
 * <p>Usage: {@code LoadGenerator <baseUrl> [entities=100000] [seed=42] [phases=upsert,create,query,retrieve]}
 */
public final class LoadGenerator {
    private static final String TYPE = "AirQualityObserved";
    private final String base;
    private final int entities;
    private final SplittableRandom random;
    /** One connection per worker thread, as a fleet of clients would hold. */
    private final ThreadLocal<RawHttpConnection> connection;

    LoadGenerator(String base, int entities, long seed) {
        this.base = base;
        this.entities = entities;
        this.random = new SplittableRandom(seed);
        this.connection = ThreadLocal.withInitial(() -> new RawHttpConnection(base));
    }

    public static void main(String[] args) throws Exception {
        String base = args.length > 0 ? args[0] : "http://127.0.0.1:18080";
        int entities = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 42;
        List<String> phases = List.of((args.length > 3 ? args[3] : "upsert,create,query,retrieve").split(","));
        System.out.printf(Locale.ROOT, "load generator: %s, %d entities, seed %d, phases %s%n", base, entities, seed, phases);
        new LoadGenerator(base, entities, seed).run(phases);
    }

    void run(List<String> phases) throws Exception {
        if (phases.contains("upsert")) {
            batchUpserts(8);
        }
        if (phases.contains("create")) {
            singleCreates(Math.min(20_000, entities / 5), 16);
        }
        if (phases.contains("query")) {
            queries(2_000, 1);
            queries(2_000, 4);
        }
        if (phases.contains("retrieve")) {
            retrievals(5_000, 4);
        }
        if (phases.contains("temporal")) {
            new TemporalBenchmark(base, 1_000, 10_000_000L).run();
        }
        if (phases.contains("ingest")) {
            String mqtt = System.getenv("MERIDIAN_BENCH_MQTT_URL");
            new IngestBenchmark(base, mqtt, "1".equals(System.getenv("MERIDIAN_BENCH_MQTT_EXTERNAL")), entities, 200_000).run();
        }
        if (phases.contains("sharing")) {
            new SharingBenchmark(base, entities, System.getenv("MERIDIAN_BENCH_ADMIN_PASSWORD")).run();
        }
        if (phases.contains("cases")) {
            new CasesBenchmark(base, System.getenv("MERIDIAN_BENCH_ADMIN_PASSWORD"), 1_000_000).run();
        }
        if (phases.contains("rules")) {
            // MERIDIAN_BENCH_RULES_RATE: background readings per second over MQTT (default 10,000, the target of issue #22)
            String rate = System.getenv("MERIDIAN_BENCH_RULES_RATE");
            new RulesLatencyBenchmark(base, System.getenv("MERIDIAN_BENCH_MQTT_URL"), Math.min(entities, 20_000),
                    rate == null ? 10_000 : Integer.parseInt(rate), 100).run();
        }
        if (phases.contains("notify")) {
            // MERIDIAN_BENCH_NOTIFY_RATE: updates per second (default 1,000, the target of issue #3)
            String rate = System.getenv("MERIDIAN_BENCH_NOTIFY_RATE");
            new NotificationLatency(base, 1_000, rate == null ? 1_000 : Integer.parseInt(rate), 30).run();
        }
    }

    private void batchUpserts(int concurrency) throws Exception {
        int batchSize = 100;
        int batches = entities / batchSize;
        List<String> bodies = new ArrayList<>(batches);
        for (int b = 0; b < batches; b++) {
            StringBuilder body = new StringBuilder("[");
            for (int i = 0; i < batchSize; i++) {
                body.append(i == 0 ? "" : ",").append(CityEntities.airQuality(TYPE, b * batchSize + i, random));
            }
            bodies.add(body.append(']').toString());
        }
        Result result = drive(batches, concurrency, i -> () -> post("/ngsi-ld/v1/entityOperations/upsert", bodies.get(i)));
        result.print("batch upsert (100/batch, " + concurrency + " clients)", batchSize, "entities/s");
    }

    private void singleCreates(int count, int concurrency) throws Exception {
        List<String> bodies = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            bodies.add(CityEntities.airQuality("NoiseLevelObserved", i, random));
        }
        Result result = drive(count, concurrency, i -> () -> post("/ngsi-ld/v1/entities", bodies.get(i)));
        result.print("single create (" + concurrency + " clients)", 1, "creates/s");
    }

    private void queries(int count, int concurrency) throws Exception {
        List<String> paths = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            double longitude = CityEntities.WEST + random.nextDouble() * (CityEntities.EAST - CityEntities.WEST);
            double latitude = CityEntities.SOUTH + random.nextDouble() * (CityEntities.NORTH - CityEntities.SOUTH);
            paths.add("/ngsi-ld/v1/entities?type=" + TYPE + "&limit=20&q=" + encode("NO2>40;temperature<30")
                    + "&georel=" + encode("near;maxDistance==1000") + "&geometry=Point&coordinates="
                    + encode(String.format(Locale.ROOT, "[%.5f,%.5f]", longitude, latitude)));
        }
        Result result = drive(count, concurrency, i -> () -> get(paths.get(i)));
        result.print("query type+q+near 1 km (" + concurrency + " clients)", 1, "queries/s");
    }

    private void retrievals(int count, int concurrency) throws Exception {
        int[] ids = random.ints(count, 0, (entities / 100) * 100).toArray();
        Result result = drive(count, concurrency, i -> () -> get("/ngsi-ld/v1/entities/" + CityEntities.id(TYPE, ids[i])));
        result.print("retrieve by id (" + concurrency + " clients)", 1, "retrievals/s");
    }

    private int post(String path, String body) throws Exception {
        return connection.get().request("POST", path, body);
    }

    private int get(String path) throws Exception {
        return connection.get().request("GET", path, null);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    @FunctionalInterface
    interface Call {
        int call() throws Exception;
    }

    static Result drive(int count, int concurrency, IntFunction<Call> calls) throws Exception {
        CpuAccounting cpu = CpuAccounting.fromEnvironment();
        long[] latencies = new long[count];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(concurrency)) {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < concurrency; w++) {
                workers.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                        long t0 = System.nanoTime();
                        try {
                            int status = calls.apply(i).call();
                            if (status >= 300) {
                                failures.incrementAndGet();
                            }
                        } catch (Exception e) {
                            failures.incrementAndGet();
                        }
                        latencies[i] = System.nanoTime() - t0;
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        }
        return new Result(count, System.nanoTime() - start, latencies, failures.get(), cpu.report(System.nanoTime() - start));
    }

    record Result(int count, long elapsedNanos, long[] latencies, int failures, String cpu) {
        void print(String what, int itemsPerCall, String unit) {
            long[] sorted = latencies.clone();
            Arrays.sort(sorted);
            double seconds = elapsedNanos / 1e9;
            System.out.printf(Locale.ROOT, "%-45s %9.0f %-13s p50 %7.2f ms  p99 %7.2f ms  (%d calls, %d failed, %.1f s)%n",
                    what, count * (double) itemsPerCall / seconds, unit, percentile(sorted, 0.50), percentile(sorted, 0.99),
                    count, failures, seconds);
            if (!cpu.isEmpty()) {
                System.out.println("    CPU (cores busy on average): " + cpu);
            }
        }

        private static double percentile(long[] sorted, double p) {
            return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
        }
    }
}
