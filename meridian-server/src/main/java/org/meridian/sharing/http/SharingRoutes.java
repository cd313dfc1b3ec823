package org.meridian.sharing.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;
import org.meridian.core.error.MeridianException;
import org.meridian.core.jsonld.ContextResolver;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.ngsild.TypeProfile;
import org.meridian.core.security.Caller;
import org.meridian.core.security.ReadScope;
import org.meridian.platform.http.Access;
import org.meridian.platform.http.JsonFields;
import org.meridian.platform.http.NgsiLdExchange;
import org.meridian.platform.http.Routes;
import org.meridian.sharing.Catalogue;
import org.meridian.sharing.Dataset;
import org.meridian.sharing.Grant;
import org.meridian.sharing.Ledger;
import org.meridian.sharing.LedgerEntry;
import org.meridian.sharing.ShareRequest;
import org.meridian.sharing.Sharing;
import org.meridian.sharing.SharingError;

/**
 * {@code /sharing/v1/}: the catalogue of datasets (and its DCAT-AP export), requests and the owners' decisions, grants
 * and their revocation, and the exchange ledger with its verification. Type and attribute names are NGSI-LD terms,
 * expanded with the request's {@code @context} (a Link header; the core context by default), as on the NGSI-LD API.
 */
public final class SharingRoutes implements Routes {
    private static final String BASE = "/sharing/v1";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final JsonFields FIELDS = new JsonFields(SharingError.INVALID_INPUT);

    private final Sharing sharing;
    private final Catalogue catalogue;
    private final ContextResolver contexts;

    public SharingRoutes(Sharing sharing, Catalogue catalogue, ContextResolver contexts) {
        this.sharing = sharing;
        this.catalogue = catalogue;
        this.contexts = contexts;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get(BASE + "/datasets", this::datasets, Access.READ_DATA);
        routes.get(BASE + "/datasets/{type}", this::dataset, Access.READ_DATA);
        routes.put(BASE + "/datasets/{type}", this::putDataset, Access.ADMINISTER);
        routes.get(BASE + "/catalogue", this::catalogue, Access.READ_DATA);
        routes.get(BASE + "/requests", this::requests, Access.SHARE);
        routes.post(BASE + "/requests", this::request, Access.SHARE);
        routes.post(BASE + "/requests/{id}/decision", this::decide, Access.ADMINISTER);
        routes.get(BASE + "/grants", this::grants, Access.SHARE);
        routes.post(BASE + "/grants", this::grant, Access.ADMINISTER);
        routes.post(BASE + "/grants/{id}/revocation", this::revoke, Access.ADMINISTER);
        routes.get(BASE + "/ledger", this::ledger, Access.AUDIT);
        routes.get(BASE + "/ledger/verification", this::verify, Access.AUDIT);
    }

    private record Exchange(Caller caller, JsonLdContext context) {
        String expand(String term) {
            return context.expandTerm(term);
        }

        String compact(String iri) {
            return context.compactIri(iri);
        }
    }

    private Exchange exchange(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        return new Exchange(exchange.caller(), exchange.context());
    }

    private void datasets(Context http) {
        Exchange exchange = exchange(http);
        ArrayNode list = NODES.arrayNode();
        catalogue.entries(exchange.caller()).forEach(entry -> list.add(figures(exchange, dataset(exchange, entry.dataset()), entry.profile())));
        respond(http, 200, list);
    }

    private void dataset(Context http) {
        Exchange exchange = exchange(http);
        Catalogue.Entry entry = catalogue.entry(exchange.caller(), exchange.expand(http.pathParam("type")));
        respond(http, 200, figures(exchange, dataset(exchange, entry.dataset()), entry.profile()));
    }

    /**
     * The dataset's figures: how many entities, when one last changed, the area their locations cover ([west, south,
     * east, north]), and the shape of an entity (its attributes and their kinds, no values: values are what grants govern).
     */
    private static ObjectNode figures(Exchange exchange, ObjectNode out, TypeProfile profile) {
        out.put("entityCount", profile == null ? 0 : profile.entities());
        if (profile == null) {
            return out;
        }
        out.put("lastUpdate", profile.lastModified().toString());
        if (profile.extent() != null) {
            out.putArray("spatialCoverage").add(profile.extent().west()).add(profile.extent().south())
                    .add(profile.extent().east()).add(profile.extent().north());
        }
        ObjectNode sample = out.putObject("sample");
        sample.put("id", "urn:ngsi-ld:" + exchange.compact(profile.type()) + ":…").put("type", exchange.compact(profile.type()));
        profile.attributes().forEach((attribute, kinds) -> sample.putObject(exchange.compact(attribute))
                .put("type", kinds.iterator().next()));
        return out;
    }

    private void putDataset(Context http) {
        Exchange exchange = exchange(http);
        ObjectNode body = FIELDS.object(http);
        FIELDS.allowOnly(body, Set.of("owner", "title", "description", "updateFrequency", "published", "openData"));
        String type = exchange.expand(http.pathParam("type"));
        JsonNode open = body.path("openData");
        if (!open.isMissingNode() && !open.isObject()) {
            throw invalid("openData is {\"dropAttributes\": [...], \"gridMeters\": n, \"hourly\": true|false}");
        }
        if (open.isObject()) {
            FIELDS.allowOnly((ObjectNode) open, Set.of("dropAttributes", "gridMeters", "hourly"));
        }
        Set<String> drop = open.isMissingNode() ? Set.of() : expandAll(exchange, open.get("dropAttributes"), "openData.dropAttributes");
        JsonNode grid = open.path("gridMeters");
        if (!grid.isMissingNode() && !(grid.canConvertToInt() && grid.isIntegralNumber() && grid.asInt() >= 1 && grid.asInt() <= 100_000)) {
            throw invalid("openData.gridMeters is a whole number of meters, 1 to 100000");
        }
        Dataset dataset = new Dataset(exchange.caller().tenant(), type, required(body, "owner"),
                text(body, "title", 200, http.pathParam("type")), text(body, "description", 4000, ""),
                text(body, "updateFrequency", 200, ""), bool(body, "published"), drop == null ? Set.of() : drop,
                grid.isMissingNode() ? null : grid.asInt(), open.isObject() && bool((ObjectNode) open, "hourly"));
        boolean created = sharing.putDataset(exchange.caller(), dataset);
        respond(http, created ? 201 : 200, dataset(exchange, dataset));
    }

    /** The catalogue as DCAT-AP JSON-LD: one dcat:Dataset per dataset, its publisher the owning department. */
    private void catalogue(Context http) {
        Exchange exchange = exchange(http);
        ObjectNode dcat = NODES.objectNode();
        ObjectNode context = dcat.putObject("@context");
        context.put("dcat", "http://www.w3.org/ns/dcat#").put("dct", "http://purl.org/dc/terms/")
                .put("foaf", "http://xmlns.com/foaf/0.1/");
        dcat.put("@type", "dcat:Catalog");
        dcat.put("dct:title", "Meridian data catalogue" + (exchange.caller().tenant().isEmpty() ? "" : " of " + exchange.caller().tenant()));
        ArrayNode datasets = dcat.putArray("dcat:dataset");
        context.put("void", "http://rdfs.org/ns/void#").put("locn", "http://www.w3.org/ns/locn#");
        for (Catalogue.Entry listed : catalogue.entries(exchange.caller())) {
            Dataset dataset = listed.dataset();
            TypeProfile profile = listed.profile();
            ObjectNode entry = datasets.addObject();
            entry.put("@id", dataset.entityType());
            entry.put("@type", "dcat:Dataset");
            entry.put("dct:identifier", exchange.compact(dataset.entityType()));
            entry.put("dct:title", dataset.title());
            entry.put("dct:description", dataset.description());
            entry.putObject("dct:publisher").put("@type", "foaf:Organization").put("foaf:name", dataset.owner());
            if (!dataset.updateFrequency().isEmpty()) {
                entry.put("dct:accrualPeriodicity", dataset.updateFrequency());
            }
            entry.put("dct:accessRights", dataset.published() ? "PUBLIC" : "RESTRICTED");
            entry.put("void:entities", profile == null ? 0 : profile.entities());
            if (profile != null) {
                entry.putObject("dct:modified").put("@type", "http://www.w3.org/2001/XMLSchema#dateTime")
                        .put("@value", profile.lastModified().toString());
            }
            if (profile != null && profile.extent() != null) {
                TypeProfile.Extent box = profile.extent();
                String ring = "%s %s, %s %s, %s %s, %s %s, %s %s".formatted(box.west(), box.south(), box.east(), box.south(),
                        box.east(), box.north(), box.west(), box.north(), box.west(), box.south());
                entry.putObject("dct:spatial").put("@type", "dct:Location").putObject("dcat:bbox")
                        .put("@type", "http://www.opengis.net/ont/geosparql#wktLiteral").put("@value", "POLYGON((" + ring + "))");
            }
            entry.putObject("dcat:distribution").put("@type", "dcat:Distribution")
                    .put("dcat:accessURL", "/ngsi-ld/v1/entities?type=" + java.net.URLEncoder.encode(dataset.entityType(),
                            java.nio.charset.StandardCharsets.UTF_8))
                    .put("dcat:mediaType", "application/ld+json");
        }
        http.status(200).contentType("application/ld+json").result(dcat.toString());
    }

    private void requests(Context http) {
        Exchange exchange = exchange(http);
        ArrayNode list = NODES.arrayNode();
        sharing.requests(exchange.caller()).forEach(request -> list.add(request(exchange, request)));
        respond(http, 200, list);
    }

    private void request(Context http) {
        Exchange exchange = exchange(http);
        ObjectNode body = FIELDS.object(http);
        FIELDS.allowOnly(body, Set.of("type", "department", "attributes", "area", "purpose", "until"));
        ShareRequest request = sharing.request(exchange.caller(), exchange.expand(required(body, "type")),
                text(body, "department", 64, null), expandAll(exchange, body.get("attributes"), "attributes"), area(body),
                text(body, "purpose", 2000, null), instant(body, "until"));
        http.header("Location", BASE + "/requests/" + request.id());
        respond(http, 201, request(exchange, request));
    }

    private void decide(Context http) {
        Exchange exchange = exchange(http);
        ObjectNode body = FIELDS.object(http);
        FIELDS.allowOnly(body, Set.of("decision", "attributes", "area", "until", "reason"));
        String decision = required(body, "decision");
        if (!decision.equals("grant") && !decision.equals("refuse")) {
            throw invalid("decision is grant or refuse");
        }
        var grant = sharing.decide(exchange.caller(), uuid(http.pathParam("id")), decision.equals("grant"),
                expandAll(exchange, body.get("attributes"), "attributes"), area(body), body.has("until") ? instant(body, "until") : null,
                text(body, "reason", 2000, null));
        respond(http, 200, grant.<JsonNode>map(g -> grant(exchange, g)).orElse(NODES.objectNode().put("decision", "refused")));
    }

    private void grants(Context http) {
        Exchange exchange = exchange(http);
        ArrayNode list = NODES.arrayNode();
        sharing.grants(exchange.caller()).forEach(grant -> list.add(grant(exchange, grant)));
        respond(http, 200, list);
    }

    private void grant(Context http) {
        Exchange exchange = exchange(http);
        ObjectNode body = FIELDS.object(http);
        FIELDS.allowOnly(body, Set.of("type", "grantee", "attributes", "area", "until", "reason"));
        Grant grant = sharing.grant(exchange.caller(), exchange.expand(required(body, "type")), required(body, "grantee"),
                expandAll(exchange, body.get("attributes"), "attributes"), area(body), instant(body, "until"),
                text(body, "reason", 2000, null));
        respond(http, 201, grant(exchange, grant));
    }

    private void revoke(Context http) {
        Exchange exchange = exchange(http);
        ObjectNode body = http.body().isBlank() ? NODES.objectNode() : FIELDS.object(http);
        FIELDS.allowOnly(body, Set.of("reason"));
        sharing.revoke(exchange.caller(), uuid(http.pathParam("id")), text(body, "reason", 2000, null));
        http.status(204);
    }

    private void ledger(Context http) {
        Exchange exchange = exchange(http);
        long before = parseLong(http.queryParam("before"), Long.MAX_VALUE);
        int limit = (int) Math.min(Math.max(parseLong(http.queryParam("limit"), 100), 1), 1000);
        ArrayNode list = NODES.arrayNode();
        for (LedgerEntry entry : sharing.ledger(exchange.caller(), before, limit)) {
            ObjectNode out = list.addObject().put("seq", entry.seq()).put("recordedAt", entry.recordedAt().toString())
                    .put("actor", entry.actor()).put("kind", entry.kind()).put("entityCount", entry.entityCount())
                    .put("detail", entry.detail()).put("hash", HexFormat.of().formatHex(entry.hash()));
            if (entry.grantId() != null) {
                out.put("grant", entry.grantId().toString());
            }
        }
        respond(http, 200, list);
    }

    private void verify(Context http) {
        Ledger.Verification verification = sharing.verify(exchange(http).caller());
        ObjectNode out = NODES.objectNode().put("intact", verification.intact()).put("entries", verification.entries())
                .put("headSeq", verification.headSeq());
        if (verification.headHash() != null) {
            out.put("headHash", verification.headHash());
        }
        if (!verification.intact()) {
            out.put("brokenAt", verification.brokenAt()).put("problem", verification.problem());
        }
        respond(http, 200, out);
    }

    /** {@code "area": [west, south, east, north]} in degrees, or null when the body has none. */
    private static ReadScope.Area area(ObjectNode body) {
        JsonNode area = body.get("area");
        if (area == null || area.isNull()) {
            return null;
        }
        if (!area.isArray() || area.size() != 4 || !java.util.stream.StreamSupport.stream(area.spliterator(), false)
                .allMatch(JsonNode::isNumber)) {
            throw invalid("area is [west, south, east, north] in degrees");
        }
        try {
            return new ReadScope.Area(area.get(0).asDouble(), area.get(1).asDouble(), area.get(2).asDouble(), area.get(3).asDouble());
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
    }

    private static void area(ObjectNode out, ReadScope.Area area) {
        if (area != null) {
            out.putArray("area").add(area.west()).add(area.south()).add(area.east()).add(area.north());
        }
    }

    // ---- rendering ----

    private static ObjectNode dataset(Exchange exchange, Dataset dataset) {
        ObjectNode out = NODES.objectNode().put("type", exchange.compact(dataset.entityType())).put("owner", dataset.owner())
                .put("title", dataset.title()).put("description", dataset.description())
                .put("updateFrequency", dataset.updateFrequency()).put("published", dataset.published());
        if (!dataset.openDrop().isEmpty() || dataset.openGridMeters() != null || dataset.openHourly()) {
            ObjectNode open = out.putObject("openData");
            ArrayNode drop = open.putArray("dropAttributes");
            dataset.openDrop().stream().map(exchange::compact).sorted().forEach(drop::add);
            if (dataset.openGridMeters() != null) {
                open.put("gridMeters", dataset.openGridMeters());
            }
            if (dataset.openHourly()) {
                open.put("hourly", true);
            }
        }
        return out;
    }

    private static ObjectNode request(Exchange exchange, ShareRequest request) {
        ObjectNode out = NODES.objectNode().put("id", request.id().toString()).put("type", exchange.compact(request.entityType()))
                .put("department", request.requester()).put("purpose", request.purpose()).put("until", request.wantedUntil().toString())
                .put("status", request.status()).put("reason", request.reason()).put("requestedBy", request.requestedBy())
                .put("createdAt", request.createdAt().toString());
        attributes(exchange, out, request.attributes());
        area(out, request.area());
        if (request.decidedBy() != null) {
            out.put("decidedBy", request.decidedBy());
        }
        return out;
    }

    private static ObjectNode grant(Exchange exchange, Grant grant) {
        ObjectNode out = NODES.objectNode().put("id", grant.id().toString()).put("type", exchange.compact(grant.entityType()))
                .put("grantee", grant.grantee()).put("until", grant.expiresAt().toString()).put("grantedBy", grant.grantedBy())
                .put("active", grant.activeAt(Instant.now()));
        attributes(exchange, out, grant.attributes());
        area(out, grant.area());
        if (grant.revokedAt() != null) {
            out.put("revokedAt", grant.revokedAt().toString());
        }
        if (grant.requestId() != null) {
            out.put("request", grant.requestId().toString());
        }
        return out;
    }

    private static void attributes(Exchange exchange, ObjectNode out, Set<String> attributes) {
        if (attributes != null) {
            ArrayNode list = out.putArray("attributes");
            attributes.stream().map(exchange::compact).sorted().forEach(list::add);
        }
    }

    // ---- input ----

    private static String required(JsonNode body, String name) {
        String value = text(body, name, 512, null);
        if (value == null || value.isBlank()) {
            throw invalid(name + " is needed");
        }
        return value;
    }

    private static String text(JsonNode body, String name, int maxLength, String fallback) {
        String value = FIELDS.text(body, name, maxLength);
        return value == null ? fallback : value;
    }

    private static boolean bool(JsonNode body, String name) {
        return Boolean.TRUE.equals(FIELDS.bool(body, name));
    }

    private static Set<String> expandAll(Exchange exchange, JsonNode names, String what) {
        if (names == null || names.isNull()) {
            return null;
        }
        if (!names.isArray() || names.isEmpty() || names.size() > 200) {
            throw invalid(what + " is a non-empty array of at most 200 attribute names");
        }
        Set<String> expanded = new LinkedHashSet<>();
        for (JsonNode name : names) {
            if (!name.isTextual() || name.asText().isBlank() || name.asText().length() > 512) {
                throw invalid(what + " holds attribute names");
            }
            expanded.add(exchange.expand(name.asText()));
        }
        return expanded;
    }

    private static Instant instant(JsonNode body, String name) {
        String text = required(body, name);
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw invalid(name + " is a UTC date-time such as 2027-06-30T00:00:00Z");
        }
    }

    private static UUID uuid(String text) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw new MeridianException(SharingError.NOT_FOUND, "No such request or grant: " + (text.length() > 64 ? text.substring(0, 64) : text));
        }
    }

    private static long parseLong(String text, long fallback) {
        if (text == null) {
            return fallback;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw invalid("A whole number is needed, not '" + (text.length() > 32 ? text.substring(0, 32) : text) + "'");
        }
    }

    private static void respond(Context http, int status, JsonNode body) {
        JsonFields.respond(http, status, body);
    }

    private static MeridianException invalid(String detail) {
        return FIELDS.invalid(detail);
    }
}
