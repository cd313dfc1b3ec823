package org.meridian.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * The server's garbage collector pauses so far, from its metrics ({@code jvm_gc_pause_seconds}): a benchmark reads them
 * before and after a phase to tell the server's pauses from its own figures. Needs {@code /metrics} open to the
 * benchmark (authentication off, or MERIDIAN_OPEN_TO_ANYONE=metrics).
 */
final class CollectorPauses {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private CollectorPauses() {
    }

    /** {pauses, seconds paused in all}, or null when the metrics cannot be read. */
    static double[] of(String base) {
        try {
            HttpResponse<java.util.stream.Stream<String>> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofLines());
            if (response.statusCode() != 200) {
                return null;
            }
            double[] pauses = new double[2];
            response.body().forEach(line -> {
                if (line.startsWith("jvm_gc_pause_seconds_count{")) {
                    pauses[0] += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                } else if (line.startsWith("jvm_gc_pause_seconds_sum{")) {
                    pauses[1] += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            });
            return pauses;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** What happened between two readings, for a report line; empty when either is missing. */
    static String between(double[] before, double[] after) {
        if (before == null || after == null) {
            return "";
        }
        return String.format(java.util.Locale.ROOT, "%.0f pauses, %.0f ms in all", after[0] - before[0], (after[1] - before[1]) * 1000);
    }
}
