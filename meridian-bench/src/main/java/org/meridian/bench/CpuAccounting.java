package org.meridian.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Where the CPU went during a phase: the server JVM, PostgreSQL and this load generator, from /proc (Linux). Server
 * and client share one 2-core machine, so a figure means little without knowing who used the cores.
 * Process ids come from MERIDIAN_BENCH_SERVER_PID and MERIDIAN_BENCH_POSTGRES_PIDS (comma-separated); absent, nothing
 * is reported.
 */
final class CpuAccounting {
    private static final double TICKS_PER_SECOND = 100.0;
    private final Map<String, long[]> groups = new LinkedHashMap<>();
    private final Map<String, Long> start = new LinkedHashMap<>();
    private final long ownStart;

    private CpuAccounting() {
        this.ownStart = ownCpuNanos();
    }

    static CpuAccounting fromEnvironment() {
        CpuAccounting accounting = new CpuAccounting();
        String server = System.getenv("MERIDIAN_BENCH_SERVER_PID");
        String postgres = System.getenv("MERIDIAN_BENCH_POSTGRES_PIDS");
        if (server != null && !server.isBlank()) {
            accounting.groups.put("server", new long[] {Long.parseLong(server.trim())});
        }
        if (postgres != null && !postgres.isBlank()) {
            String[] parts = postgres.trim().split("[,\\s]+");
            long[] pids = new long[parts.length];
            for (int i = 0; i < parts.length; i++) {
                pids[i] = Long.parseLong(parts[i]);
            }
            accounting.groups.put("postgres", pids);
        }
        String mosquitto = System.getenv("MERIDIAN_BENCH_MOSQUITTO_PID");
        if (mosquitto != null && !mosquitto.isBlank()) {
            accounting.groups.put("mosquitto", new long[] {Long.parseLong(mosquitto.trim())});
        }
        accounting.groups.forEach((name, pids) -> accounting.start.put(name, ticks(pids)));
        return accounting;
    }

    String report(long elapsedNanos) {
        if (groups.isEmpty()) {
            return "";
        }
        double seconds = elapsedNanos / 1e9;
        StringBuilder line = new StringBuilder();
        groups.forEach((name, pids) -> line.append(String.format(Locale.ROOT, "%s %.2f, ", name,
                (ticks(pids) - start.get(name)) / TICKS_PER_SECOND / seconds)));
        line.append(String.format(Locale.ROOT, "load generator %.2f (of 2)", (ownCpuNanos() - ownStart) / 1e9 / seconds));
        return line.toString();
    }

    private static long ticks(long[] pids) {
        long total = 0;
        for (long pid : pids) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                total += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            } catch (IOException | RuntimeException e) {
                // a process that ended (a closed connection) no longer counts
            }
        }
        return total;
    }

    private static long ownCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
