package org.meridian.sharing.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.meridian.broker.EntityService;
import org.meridian.broker.TemporalService;
import org.meridian.core.error.MeridianException;
import org.meridian.core.jsonld.ContextResolver;
import org.meridian.core.ngsild.Entity;
import org.meridian.core.ngsild.EntityRenderer;
import org.meridian.core.ngsild.RenderOptions;
import org.meridian.core.query.EntitySelection;
import org.meridian.core.query.TypeExpression;
import org.meridian.core.security.Caller;
import org.meridian.core.temporal.EntityHistory;
import org.meridian.core.temporal.HistoryBucket;
import org.meridian.platform.http.Access;
import org.meridian.platform.http.MediaTypes;
import org.meridian.platform.http.NgsiLdExchange;
import org.meridian.platform.http.Parameters;
import org.meridian.platform.http.Routes;
import org.meridian.sharing.Dataset;
import org.meridian.sharing.Sharing;
import org.meridian.sharing.SharingError;

/**
 * {@code /open/v1/}: open data, for anyone, without signing in: the datasets their owners published, and their
 * entities as the owner publishes them (attributes dropped, locations rounded to a grid). Entities are read as an
 * anonymous caller, so the read policy (published datasets only, dropped attributes masked in SQL) decides what is
 * there; the rounding is applied to what is rendered.
 */
public final class OpenDataRoutes implements Routes {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Sharing sharing;
    private final EntityService entities;
    private final TemporalService temporal;
    private final ContextResolver contexts;
    private final Clock clock;

    public OpenDataRoutes(Sharing sharing, EntityService entities, TemporalService temporal, ContextResolver contexts, Clock clock) {
        this.sharing = sharing;
        this.entities = entities;
        this.temporal = temporal;
        this.contexts = contexts;
        this.clock = clock;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/open/v1/datasets", this::datasets, Access.PUBLIC);
        routes.get("/open/v1/datasets/{type}/entities", this::entities, Access.PUBLIC);
    }

    private void datasets(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        ArrayNode list = NODES.arrayNode();
        for (Dataset dataset : sharing.datasets(Caller.anonymous(exchange.tenant()))) {
            if (dataset.published()) {
                list.addObject().put("type", exchange.context().compactIri(dataset.entityType())).put("title", dataset.title())
                        .put("description", dataset.description()).put("publisher", dataset.owner())
                        .put("updateFrequency", dataset.updateFrequency()).put("hourlyAverages", dataset.openHourly())
                        .put("entities", "/open/v1/datasets/" + exchange.context().compactIri(dataset.entityType()) + "/entities");
            }
        }
        http.status(200).contentType(MediaTypes.JSON).result(list.toString());
    }

    private void entities(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        Caller anyone = Caller.anonymous(exchange.tenant());
        String type = exchange.context().expandTerm(http.pathParam("type"));
        Dataset dataset = sharing.datasets(anyone).stream().filter(d -> d.published() && d.entityType().equals(type)).findFirst()
                .orElseThrow(() -> new MeridianException(SharingError.NOT_FOUND, "No published dataset " + http.pathParam("type")));
        int limit = Parameters.integer(http, "limit", 100, 0);
        if (limit > 1000) {
            throw new MeridianException(SharingError.INVALID_INPUT, "limit is at most 1000");
        }
        int offset = Parameters.integer(http, "offset", 0, 0);
        EntitySelection selection = new EntitySelection(null, null, new TypeExpression.TypeName(type), UnaryOperator.identity(),
                null, null, null, null, null);
        List<Entity> page = entities.query(anyone, selection, limit, offset, false).entities();
        Map<String, Map<String, Double>> hourly = dataset.openHourly() ? lastHourAverages(anyone, page) : Map.of();
        Instant hourEnd = clock.instant().truncatedTo(ChronoUnit.HOURS);
        ArrayNode list = NODES.arrayNode();
        for (Entity entity : page) {
            ObjectNode rendered = EntityRenderer.render(entity, exchange.context(), new RenderOptions(RenderOptions.Format.KEY_VALUES,
                    false, null, null, null));
            if (dataset.openGridMeters() != null) {
                org.meridian.sharing.OpenGrid.round(rendered, dataset.openGridMeters());
            }
            if (dataset.openHourly()) {
                averaged(rendered, entity, hourly.getOrDefault(entity.id(), Map.of()), exchange);
                rendered.put("averagedOver", hourEnd.minus(1, ChronoUnit.HOURS) + "/" + hourEnd);
            }
            list.add(rendered);
        }
        http.status(200).contentType(MediaTypes.JSON).result(list.toString());
    }

    /** Each entity's numeric attributes' means over the last complete hour (entity id → attribute IRI → mean). */
    private Map<String, Map<String, Double>> lastHourAverages(Caller anyone, List<Entity> page) {
        if (page.isEmpty()) {
            return Map.of();
        }
        Instant hourEnd = clock.instant().truncatedTo(ChronoUnit.HOURS);
        EntitySelection ids = new EntitySelection(page.stream().map(Entity::id).toList(), null, null, UnaryOperator.identity(),
                null, null, null, null, null);
        TemporalService.Request lastHour = new TemporalService.Request(null, "observed_at", hourEnd.minus(1, ChronoUnit.HOURS),
                hourEnd, 0, 1000, true, 3600, List.of());
        // No methods named: the buckets come from the hour's instances with every figure (the hourly roll-up answers
        // in rendered form only), which for one hour of one page is a small read.
        Map<String, Map<String, Double>> means = new HashMap<>();
        for (EntityHistory history : temporal.query(anyone, ids, page.size(), 0, lastHour)) {
            for (HistoryBucket bucket : history.buckets()) {
                Double mean = bucket.values().get("avg");
                if (mean != null) {
                    means.computeIfAbsent(history.entity().id(), k -> new HashMap<>()).put(bucket.attribute(), mean);
                }
            }
        }
        return means;
    }

    /**
     * Anyone sees the hour, never the live reading: a number becomes its mean over the hour (left out when the hour had
     * no reading), and what could carry a live reading otherwise (lists, structured values, true/false, numbers
     * written as text, several instances of one attribute) is left out. Plain text stays (names, addresses): an owner
     * drops live text with dropAttributes.
     */
    private static void averaged(ObjectNode rendered, Entity entity, Map<String, Double> means, NgsiLdExchange exchange) {
        for (Map.Entry<String, JsonNode> member : entity.attributes().properties()) {
            String attribute = member.getKey();
            if (attribute.equals(org.meridian.core.ngsild.NgsiLd.LOCATION)) {
                continue;
            }
            String name = exchange.context().compactIri(attribute);
            JsonNode value = rendered.get(name);
            if (value == null) {
                continue;
            }
            Double mean = means.get(attribute);
            if (value.isNumber() && member.getValue().size() == 1 && mean != null) {
                rendered.put(name, mean);
            } else if (!value.isTextual() || looksNumeric(value.asText())) {
                rendered.remove(name);
            }
        }
    }

    private static boolean looksNumeric(String text) {
        try {
            Double.parseDouble(text.strip());
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
