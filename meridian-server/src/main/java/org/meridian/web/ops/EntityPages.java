package org.meridian.web.ops;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.meridian.broker.EntityService;
import org.meridian.broker.TemporalService;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.ngsild.Entity;
import org.meridian.core.security.Caller;
import org.meridian.core.temporal.EntityHistory;
import org.meridian.core.temporal.HistoryBucket;
import org.meridian.platform.http.Access;
import org.meridian.platform.http.Callers;
import org.meridian.platform.http.Routes;
import org.meridian.web.Pages;

/**
 * An entity's page in the operations centre: its attributes as the signed-in person may see them, and a chart of one
 * numeric attribute over the last day (ten-minute averages with their range, from the temporal history). The chart is
 * drawn on the server as SVG: no chart library, nothing to load, readable without scripts, and a table of the same
 * figures follows it for screen readers.
 */
public final class EntityPages implements Routes {
    static final Duration SPAN = Duration.ofHours(24);
    static final long BUCKET_SECONDS = 600;

    private final EntityService entities;
    private final TemporalService temporal;
    private final JsonLdContext context;
    private final Pages pages;
    private final Clock clock;

    public EntityPages(EntityService entities, TemporalService temporal, JsonLdContext context, Pages pages, Clock clock) {
        this.entities = entities;
        this.temporal = temporal;
        this.context = context;
        this.pages = pages;
        this.clock = clock;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/ops/entities/{id}", this::entity, Access.READ_DATA);
    }

    /** One attribute as the page lists it: its short name, its value as text, when it was observed, whether numeric. */
    public record Shown(String name, String value, String observedAt, boolean numeric) {
    }

    private void entity(Context http) {
        Caller caller = Callers.of(http, Pages.tenant(http));
        Entity entity = entities.retrieve(caller, http.pathParam("id"));
        List<Shown> shown = new ArrayList<>();
        entity.attributes().properties().forEach(attribute -> {
            JsonNode first = attribute.getValue().path(0);
            JsonNode value = first.has("value") ? first.get("value") : first.get("object");
            String name = context.compactIri(attribute.getKey());
            shown.add(new Shown(name, value == null ? "" : value.isValueNode() ? value.asText() : value.toString(),
                    first.path("observedAt").asText(""), value != null && value.isNumber()));
        });
        // The attribute asked for, else the one the map colours this type by, else the first number.
        String type = entity.types().isEmpty() ? "" : context.compactIri(entity.types().getFirst());
        MapLayers layer = MapLayers.of(type);
        String asked = http.queryParam("attr") != null ? http.queryParam("attr") : layer == null ? null : layer.attribute();
        List<String> numeric = shown.stream().filter(Shown::numeric).map(Shown::name).toList();
        String charted = numeric.contains(asked) ? asked : numeric.isEmpty() ? null : numeric.getFirst();
        Chart chart = null;
        if (charted != null) {
            Instant to = clock.instant();
            List<HistoryBucket> buckets = history(caller, entity.id(), charted, to.minus(SPAN), to, BUCKET_SECONDS);
            Instant from = to.minus(SPAN);
            if (!buckets.isEmpty() && buckets.getFirst().start().isAfter(to.minus(Duration.ofHours(2)))) {
                // A short history (a sensor added this morning): its own span, in finer steps, rather than a day of nothing.
                from = buckets.getFirst().start();
                long step = Math.max(10, Duration.between(from, to).toSeconds() / 120);
                buckets = history(caller, entity.id(), charted, from, to, step);
                from = buckets.isEmpty() ? from : buckets.getFirst().start();
            }
            chart = Chart.of(buckets, from, to);
        }
        Map<String, Object> model = new HashMap<>();
        model.put("page", pages.page(http));
        model.put("entity", entity);
        model.put("type", type);
        model.put("shown", shown);
        model.put("charted", charted == null ? "" : charted);
        model.put("chart", chart);
        pages.render(http, "ops/entity.jte", model);
    }

    private List<HistoryBucket> history(Caller caller, String id, String attribute, Instant from, Instant to, long step) {
        EntityHistory history = temporal.retrieve(caller, id, new TemporalService.Request(List.of(context.expandTerm(attribute)),
                "observed_at", from, to, 0, 1000, true, step, List.of("avg", "min", "max")));
        return history.buckets();
    }

    /**
     * A day's line of averages and band of ranges, scaled into a 720 × 240 box: SVG path data (numbers only) and the
     * axis labels.
     */
    public record Chart(String line, String band, double low, double high, List<Point> points, Instant from) {
        static final int WIDTH = 720;
        static final int HEIGHT = 240;

        /** One bucket: its start and figures. */
        public record Point(Instant start, double average, double min, double max) {
        }

        static Chart of(List<HistoryBucket> buckets, Instant from, Instant to) {
            return of(buckets, from, to, null);
        }

        /** The chart, its range widened to show {@code include} too (a limit to compare with), when not null. */
        static Chart of(List<HistoryBucket> buckets, Instant from, Instant to, Double include) {
            List<Point> points = new ArrayList<>();
            for (HistoryBucket bucket : buckets) {
                Double average = bucket.values().get("avg");
                if (average != null) {
                    points.add(new Point(bucket.start(), average, bucket.values().getOrDefault("min", average),
                            bucket.values().getOrDefault("max", average)));
                }
            }
            if (points.isEmpty()) {
                return new Chart("", "", 0, 0, points, from);
            }
            double low = points.stream().mapToDouble(Point::min).min().orElse(0);
            double high = points.stream().mapToDouble(Point::max).max().orElse(1);
            if (include != null) {
                low = Math.min(low, include);
                high = Math.max(high, include);
            }
            if (high - low < 1e-9) {
                high = low + 1;
            }
            double span = to.toEpochMilli() - from.toEpochMilli();
            StringBuilder line = new StringBuilder();
            StringBuilder upper = new StringBuilder();
            StringBuilder lower = new StringBuilder();
            for (Point point : points) {
                double x = (point.start().toEpochMilli() - from.toEpochMilli()) / span * WIDTH;
                line.append(line.isEmpty() ? "M" : " L").append(fixed(x)).append(' ').append(fixed(y(point.average(), low, high)));
                upper.append(upper.isEmpty() ? "M" : " L").append(fixed(x)).append(' ').append(fixed(y(point.max(), low, high)));
                lower.insert(0, " L" + fixed(x) + " " + fixed(y(point.min(), low, high)));
            }
            return new Chart(line.toString(), upper + lower.toString() + " Z", low, high, points, from);
        }

        private static double y(double value, double low, double high) {
            return HEIGHT - (value - low) / (high - low) * HEIGHT;
        }

        private static String fixed(double value) {
            return String.format(java.util.Locale.ROOT, "%.1f", value);
        }

        /** A chart of one point has no line to draw: where its dot goes ({x, y}), or null. */
        public String[] dot() {
            return line.startsWith("M") && !line.contains("L") ? line.substring(1).split(" ") : null;
        }

        public String label(double value) {
            return Math.abs(value) >= 100 ? String.format(java.util.Locale.ROOT, "%.0f", value)
                    : String.format(java.util.Locale.ROOT, "%.2f", value);
        }
    }
}
