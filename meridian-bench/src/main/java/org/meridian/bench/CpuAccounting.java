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
 * is reported. Children of those processes count too, also those started during the phase (PostgreSQL starts a
 * process per new connection).
 */
final class CpuAccounting {
    private static final double TICKS_PER_SECOND = 100.0;
    private final Map<String, long[]> groups = new LinkedHashMap<>();
    private final Map<String, Map<Long, Long>> start = new LinkedHashMap<>();
    private final long ownStart;
    /** The CPU of this process's descendants (a browser it drives) at the start; null when they are not counted. */
    private Map<Long, Long> descendantsStart;

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

    /** Counts this process's descendants too, as "browser" (the Chromium a page benchmark drives). */
    CpuAccounting withBrowser() {
        descendantsStart = descendantTicks();
        return this;
    }

    String report(long elapsedNanos) {
        if (groups.isEmpty() && descendantsStart == null) {
            return "";
        }
        double seconds = elapsedNanos / 1e9;
        StringBuilder line = new StringBuilder();
        groups.forEach((name, pids) -> {
            Map<Long, Long> before = start.get(name);
            long used = 0;
            for (Map.Entry<Long, Long> now : ticks(pids).entrySet()) {
                used += now.getValue() - before.getOrDefault(now.getKey(), 0L);
            }
            line.append(String.format(Locale.ROOT, "%s %.2f, ", name, used / TICKS_PER_SECOND / seconds));
        });
        if (descendantsStart != null) {
            long used = 0;
            for (Map.Entry<Long, Long> now : descendantTicks().entrySet()) {
                used += now.getValue() - descendantsStart.getOrDefault(now.getKey(), 0L);
            }
            line.append(String.format(Locale.ROOT, "browser %.2f, ", used / TICKS_PER_SECOND / seconds));
        }
        line.append(String.format(Locale.ROOT, "load generator %.2f (of 2)", (ownCpuNanos() - ownStart) / 1e9 / seconds));
        return line.toString();
    }

    private static Map<Long, Long> descendantTicks() {
        Map<Long, Long> ticks = new LinkedHashMap<>();
        ProcessHandle.current().descendants().forEach(process -> ticks.put(process.pid(), ticks(process.pid())));
        return ticks;
    }

    /** CPU ticks by process: the given ones and their children. */
    private static Map<Long, Long> ticks(long[] pids) {
        Map<Long, Long> ticks = new LinkedHashMap<>();
        for (long pid : pids) {
            ticks.computeIfAbsent(pid, CpuAccounting::ticks);
            try {
                for (String child : Files.readString(Path.of("/proc/" + pid + "/task/" + pid + "/children")).trim().split("\\s+")) {
                    if (!child.isEmpty()) {
                        ticks.computeIfAbsent(Long.parseLong(child), CpuAccounting::ticks);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // no children to count
            }
        }
        return ticks;
    }

    private static long ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return 0; // a process that ended (a closed connection) no longer counts
        }
    }

    private static long ownCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
