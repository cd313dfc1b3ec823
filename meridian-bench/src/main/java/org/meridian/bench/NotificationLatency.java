package org.meridian.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Notification latency: N subscriptions (one per sensor), updates at a fixed rate, and the time from each update's
 * HTTP response to the receiver getting its notification. Counts every notification, so a loss shows.
 */
final class NotificationLatency {
    private static final Pattern SEQUENCE = Pattern.compile("\"seq\"\\s*:\\s*\\{[^}]*\"value\"\\s*:\\s*(\\d+)");

    private final String base;
    private final int subscriptions;
    private final int ratePerSecond;
    private final int seconds;

    NotificationLatency(String base, int subscriptions, int ratePerSecond, int seconds) {
        this.base = base;
        this.subscriptions = subscriptions;
        this.ratePerSecond = ratePerSecond;
        this.seconds = seconds;
    }

    void run() throws Exception {
        int total = ratePerSecond * seconds;
        long[] acknowledgedAt = new long[total];
        long[] latency = new long[total];
        Arrays.fill(latency, -1);
        AtomicInteger received = new AtomicInteger();
        AtomicInteger duplicates = new AtomicInteger();
        RawHttpReceiver receiver = new RawHttpReceiver(body -> {
            long now = System.nanoTime();
            Matcher matcher = SEQUENCE.matcher(new String(body, StandardCharsets.UTF_8));
            if (matcher.find()) {
                int seq = Integer.parseInt(matcher.group(1));
                if (seq >= 0 && seq < total) {
                    synchronized (latency) {
                        if (latency[seq] >= 0) {
                            duplicates.incrementAndGet();
                        } else {
                            latency[seq] = now;
                            received.incrementAndGet();
                        }
                    }
                }
            }
        });
        String endpoint = "http://127.0.0.1:" + receiver.port() + "/notify";
        // MERIDIAN_BENCH_NOTIFY_SUBSCRIBE=0 sends the same updates with no subscription: the write path's own rate.
        boolean subscribe = !"0".equals(System.getenv("MERIDIAN_BENCH_NOTIFY_SUBSCRIBE"));
        try (RawHttpConnection setup = new RawHttpConnection(base)) {
            for (int i = 0; subscribe && i < subscriptions; i++) {
                int status = setup.request("POST", "/ngsi-ld/v1/subscriptions", """
                        {"type":"Subscription","entities":[{"type":"BenchSensor","id":"urn:ngsi-ld:BenchSensor:%d"}],
                         "notification":{"attributes":["seq"],"endpoint":{"uri":"%s"}}}""".formatted(i, endpoint));
                if (status != 201) {
                    throw new IllegalStateException("creating a subscription answered " + status);
                }
            }
        }
        System.out.printf(Locale.ROOT, "notification latency: %d subscriptions, %d updates/s for %d s%n", subscriptions, ratePerSecond, seconds);
        ThreadLocal<RawHttpConnection> connections = ThreadLocal.withInitial(() -> new RawHttpConnection(base));
        AtomicLong failed = new AtomicLong();
        CpuAccounting cpu = CpuAccounting.fromEnvironment();
        long start = System.nanoTime();
        long interval = 1_000_000_000L / ratePerSecond;
        try (ExecutorService clients = Executors.newFixedThreadPool(16)) {
            for (int seq = 0; seq < total; seq++) {
                long due = start + seq * interval;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                int n = seq;
                clients.submit(() -> {
                    String body = "[{\"id\":\"urn:ngsi-ld:BenchSensor:" + (n % subscriptions) + "\",\"type\":\"BenchSensor\","
                            + "\"seq\":{\"type\":\"Property\",\"value\":" + n + "}}]";
                    try {
                        int status = connections.get().request("POST", "/ngsi-ld/v1/entityOperations/upsert?options=update", body);
                        acknowledgedAt[n] = System.nanoTime();
                        if (status >= 300) {
                            failed.incrementAndGet();
                        }
                    } catch (IOException e) {
                        failed.incrementAndGet();
                    }
                });
            }
        }
        double sendSeconds = (System.nanoTime() - start) / 1e9;
        String cpuUsed = cpu.report(System.nanoTime() - start);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (subscribe && received.get() < total - failed.get() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        receiver.close();
        long[] millis = new long[received.get()];
        int k = 0;
        for (int i = 0; i < total; i++) {
            if (latency[i] >= 0 && k < millis.length) {
                millis[k++] = Math.max(0, latency[i] - acknowledgedAt[i]);
            }
        }
        Arrays.sort(millis, 0, k);
        System.out.printf(Locale.ROOT, "  sent %d updates in %.1f s (%.0f/s), %d failed; notifications received %d of %d, %d duplicates%n",
                total, sendSeconds, total / sendSeconds, failed.get(), received.get(), total - failed.get(), duplicates.get());
        System.out.println("  CPU cores busy while sending: " + cpuUsed);
        if (k > 0) {
            System.out.printf(Locale.ROOT, "  latency from the update's response to the notification: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                    millis[k / 2] / 1e6, millis[Math.min(k - 1, (int) Math.ceil(0.99 * k) - 1)] / 1e6, millis[k - 1] / 1e6);
        }
    }
}
