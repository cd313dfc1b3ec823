package org.meridian.rules;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.meridian.core.error.MeridianException;
import org.meridian.core.rules.Comparison;
import org.meridian.core.rules.Condition;
import org.meridian.core.rules.Keying;
import org.meridian.core.rules.RuleLogic;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * The rule language: a rule is a JSON or YAML document checked against the published JSON Schema
 * ({@code /rules/v1/schema}, errors naming the exact place, such as {@code $.when.all[1].for}), then against the limits
 * the schema cannot say (durations, one type per entity-keyed rule). Names are NGSI-LD terms, expanded with the core
 * context as the Smart Data Models' payloads are, or full IRIs.
 */
public final class RuleLanguage {
    /** A rule document is at most this large. */
    public static final int MAX_BYTES = 64 * 1024;
    static final Duration MAX_LATENESS = Duration.ofHours(1);
    static final Duration MAX_REACH = Duration.ofDays(1);
    static final Duration MIN_SILENCE = Duration.ofMinutes(1);
    static final Duration MAX_SILENCE = Duration.ofDays(7);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML;
    private static final Schema SCHEMA = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7)
            .getSchema(SchemaLocation.of("classpath:rules/rule.schema.json"));

    static {
        LoaderOptions limits = new LoaderOptions();
        limits.setMaxAliasesForCollections(10);
        limits.setCodePointLimit(MAX_BYTES);
        limits.setNestingDepthLimit(20);
        YAML = new YAMLMapper(YAMLFactory.builder().loaderOptions(limits).build());
    }

    private final UnaryOperator<String> expand;
    private final ZoneId zone;

    /** @param expand a term to its IRI (the core context's expansion) */
    public RuleLanguage(UnaryOperator<String> expand, ZoneId zone) {
        this.expand = expand;
        this.zone = zone;
    }

    /** The published schema, as a document. */
    public static JsonNode schema() {
        try (var in = RuleLanguage.class.getResourceAsStream("/rules/rule.schema.json")) {
            return JSON.readTree(in);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Reads a rule sent as JSON or YAML (by its media type). */
    public ObjectNode read(byte[] body, String mediaType) {
        if (body.length > MAX_BYTES) {
            throw new MeridianException(RuleError.TOO_LARGE, "A rule is at most " + MAX_BYTES / 1024 + " KiB");
        }
        String type = mediaType == null ? "" : mediaType.toLowerCase(Locale.ROOT);
        boolean yaml = type.contains("yaml");
        if (!yaml && !type.startsWith("application/json")) {
            throw new MeridianException(RuleError.INVALID_INPUT, "A rule is sent as application/json or application/yaml");
        }
        JsonNode document;
        try {
            document = (yaml ? YAML : JSON).readTree(body);
        } catch (JacksonException | RuntimeException e) {
            String where = e instanceof JacksonException j && j.getLocation() != null
                    ? " at line " + j.getLocation().getLineNr() + ", column " + j.getLocation().getColumnNr() : "";
            throw new MeridianException(RuleError.INVALID_INPUT, "The rule is not valid " + (yaml ? "YAML" : "JSON") + where);
        } catch (java.io.IOException e) {
            throw new MeridianException(RuleError.INVALID_INPUT, "The rule could not be read");
        }
        if (document == null || !document.isObject()) {
            throw new MeridianException(RuleError.INVALID_INPUT, "A rule is an object: {\"id\", \"name\", \"department\", \"when\", \"then\"}");
        }
        return (ObjectNode) document;
    }

    /** The rule understood, or every place it is wrong. */
    public RuleDefinition understand(ObjectNode document) {
        List<String> errors = new ArrayList<>(new LinkedHashSet<>(SCHEMA.validate(document).stream()
                .map(error -> path(error.getInstanceLocation().toString()) + ": " + error.getMessage().replaceFirst("^\\S*: ", ""))
                .toList()));
        if (!errors.isEmpty()) {
            throw invalid(errors);
        }
        List<String> problems = new ArrayList<>();
        JsonNode when = document.get("when");
        List<Condition> conditions = new ArrayList<>();
        Map<String, Set<String>> reads = new HashMap<>();
        JsonNode all = when.get("all");
        for (int i = 0; i < all.size(); i++) {
            conditions.add(condition(all.get(i), "$.when.all[" + i + "]", problems, reads));
        }
        Keying keying = keying(when.get("per"));
        List<Condition> onEntities = conditions.stream().filter(condition -> condition.type() != null).toList();
        if (onEntities.isEmpty()) {
            problems.add("$.when.all: a rule has a condition on entities; time alone would fire without end");
        }
        if (keying.by() == Keying.By.ENTITY && onEntities.stream().map(Condition::type).distinct().count() > 1) {
            problems.add("$.when.per: a rule per entity has conditions on one type; to combine types, say \"per\": \"district\", "
                    + "{\"within\": metres} or {\"relationship\": name}");
        }
        if (keying.by() == Keying.By.NEAR && !conditions.isEmpty() && conditions.getFirst().type() == null) {
            problems.add("$.when.all[0]: a rule per place names the entity at its centre first");
        }
        Duration lateness = duration(document, "lateness", Duration.ofMinutes(2), problems);
        if (lateness.compareTo(MAX_LATENESS) > 0) {
            problems.add("$.lateness: at most PT1H");
        }
        Duration clearAfter = duration(document, "clearAfter", Duration.ZERO, problems);
        Duration suppressFor = duration(document, "suppressFor", Duration.ofMinutes(10), problems);
        Duration escalateAfter = document.has("escalateAfter") ? duration(document, "escalateAfter", null, problems) : null;
        for (String name : List.of("clearAfter", "suppressFor", "escalateAfter")) {
            if (document.has(name) && duration(document, name, Duration.ZERO, new ArrayList<>()).compareTo(Duration.ofDays(7)) > 0) {
                problems.add("$." + name + ": at most P7D");
            }
        }
        List<RuleAction> actions = new ArrayList<>();
        Map<String, Set<String>> writes = new HashMap<>();
        JsonNode then = document.get("then");
        for (int i = 0; i < then.size(); i++) {
            actions.add(action(then.get(i), "$.then[" + i + "]", keying, problems, writes));
        }
        if (!problems.isEmpty()) {
            throw invalid(problems);
        }
        RuleLogic logic = new RuleLogic(conditions, keying, lateness, clearAfter, suppressFor, escalateAfter);
        return new RuleDefinition(document.get("id").asText(), document.get("name").asText(), document.get("department").asText(),
                document.path("severity").asText("medium"), document.deepCopy(), logic, actions, reads, writes);
    }

    private Condition condition(JsonNode node, String at, List<String> problems, Map<String, Set<String>> reads) {
        if (node.has("workingHours")) {
            return new Condition.WorkingTime(node.get("workingHours").asBoolean());
        }
        if (node.has("timeOfDay")) {
            JsonNode time = node.get("timeOfDay");
            LocalTime from = clock(time.get("from").asText());
            LocalTime to = clock(time.get("to").asText());
            if (from.equals(to)) {
                problems.add(at + ".timeOfDay: from and to differ");
            }
            return new Condition.TimeOfDay(from, to, zone);
        }
        String type = expand.apply(node.get("type").asText());
        com.google.re2j.Pattern ids = null;
        if (node.has("idPattern")) {
            try {
                ids = com.google.re2j.Pattern.compile(node.get("idPattern").asText());
            } catch (com.google.re2j.PatternSyntaxException e) {
                problems.add(at + ".idPattern: not a regular expression: " + e.getDescription());
            }
        }
        if (node.has("silentFor")) {
            Duration silent = duration(node, "silentFor", MIN_SILENCE, problems, at);
            if (silent.compareTo(MIN_SILENCE) < 0 || silent.compareTo(MAX_SILENCE) > 0) {
                problems.add(at + ".silentFor: from PT1M to P7D");
            }
            reads.computeIfAbsent(type, t -> new HashSet<>());
            return new Condition.Silence(type, silent, ids);
        }
        String attribute = expand.apply(node.get("attribute").asText());
        reads.computeIfAbsent(type, t -> new HashSet<>()).add(attribute);
        Comparison comparison = comparison(node);
        for (Condition.Aggregate aggregate : Condition.Aggregate.values()) {
            if (node.has(aggregate.word())) {
                Duration over = duration(node, aggregate.word(), Duration.ofHours(1), problems, at);
                if (over.isZero() || over.compareTo(MAX_REACH) > 0) {
                    problems.add(at + "." + aggregate.word() + ": a window from PT1S to P1D");
                }
                return new Condition.Window(type, attribute, aggregate, over, comparison, ids);
            }
        }
        Duration sustained = node.has("for") ? duration(node, "for", Duration.ZERO, problems, at) : Duration.ZERO;
        if (sustained.compareTo(MAX_REACH) > 0) {
            problems.add(at + ".for: at most P1D");
        }
        return new Condition.Threshold(type, attribute, comparison, sustained, ids);
    }

    private static Comparison comparison(JsonNode node) {
        for (Comparison.Op op : Comparison.Op.values()) {
            JsonNode value = node.get(op.word());
            if (value == null) {
                continue;
            }
            return switch (op) {
                case BETWEEN -> new Comparison(op, value.get(0).asDouble(), value.get(1).asDouble(), null);
                case EQUALS, NOT_EQUALS -> value.isNumber() ? new Comparison(op, value.asDouble(), null, null)
                        : new Comparison(op, null, null, value.asText());
                default -> new Comparison(op, value.asDouble(), null, null);
            };
        }
        throw new IllegalStateException("the schema requires a comparison");
    }

    private RuleAction action(JsonNode node, String at, Keying keying, List<String> problems, Map<String, Set<String>> writes) {
        String kind = node.fieldNames().next();
        JsonNode body = node.get(kind);
        return switch (kind) {
            case "openCase" -> new RuleAction.OpenCase(body.get("category").asText(), body.path("urgency").asText("normal"),
                    body.hasNonNull("description") ? body.get("description").asText() : null,
                    body.has("answers") ? (ObjectNode) body.get("answers").deepCopy() : null);
            case "raiseAlert" -> new RuleAction.RaiseAlert(body.get("category").asText(),
                    body.hasNonNull("subCategory") ? body.get("subCategory").asText() : null,
                    body.hasNonNull("description") ? body.get("description").asText() : null);
            case "notify" -> new RuleAction.Notify(body.hasNonNull("http") ? body.get("http").asText() : null,
                    body.hasNonNull("mqtt") ? body.get("mqtt").asText() : null, body.has("stream"));
            case "update" -> {
                String type = expand.apply(body.get("type").asText());
                String entity = body.get("entity").asText();
                if (entity.equals("{key}") && keying.by() == Keying.By.DISTRICT) {
                    problems.add(at + ".update.entity: a rule per district has no entity for {key}; name one, such as "
                            + "urn:ngsi-ld:RoadSegment:underpasses-{key}");
                } else if (!entity.equals("{key}") && !entity.replace("{key}", "k").matches("^[A-Za-z][A-Za-z0-9+.-]*:\\S+$")) {
                    problems.add(at + ".update.entity: an entity id is a URI (urn:ngsi-ld:RoadSegment:…), where {key} stands for the "
                            + "episode's key, or {key} alone");
                }
                Set<String> written = writes.computeIfAbsent(type, t -> new HashSet<>());
                body.get("set").fieldNames().forEachRemaining(name -> written.add(expand.apply(name)));
                if (body.has("onClear")) {
                    body.get("onClear").fieldNames().forEachRemaining(name -> written.add(expand.apply(name)));
                }
                yield new RuleAction.Update(type, entity, (ObjectNode) body.get("set").deepCopy(),
                        body.has("onClear") ? (ObjectNode) body.get("onClear").deepCopy() : null);
            }
            default -> throw new IllegalStateException("the schema allows no action " + kind);
        };
    }

    private Keying keying(JsonNode per) {
        if (per == null || per.isNull() || per.asText().equals("entity")) {
            return Keying.ENTITY;
        }
        if (per.has("relationship")) {
            return Keying.related(expand.apply(per.get("relationship").asText()));
        }
        if (per.isObject()) {
            return Keying.near(per.get("within").asDouble());
        }
        return Keying.DISTRICT;
    }

    private static LocalTime clock(String text) {
        return text.equals("24:00") ? LocalTime.MAX : LocalTime.parse(text);
    }

    private static Duration duration(JsonNode node, String name, Duration otherwise, List<String> problems) {
        return duration(node, name, otherwise, problems, "$");
    }

    private static Duration duration(JsonNode node, String name, Duration otherwise, List<String> problems, String at) {
        JsonNode value = node.get(name);
        if (value == null) {
            return otherwise;
        }
        try {
            return Duration.parse(value.asText());
        } catch (java.time.format.DateTimeParseException e) {
            problems.add(at + "." + name + ": an ISO 8601 duration such as PT5M, not " + value.asText());
            return otherwise == null ? Duration.ZERO : otherwise;
        }
    }

    /** A JSON pointer (/when/all/1/for) as the path people read ($.when.all[1].for). */
    static String path(String pointer) {
        StringBuilder path = new StringBuilder("$");
        for (String part : pointer.split("/")) {
            if (part.isEmpty() || part.equals("$")) {
                continue;
            }
            path.append(part.chars().allMatch(Character::isDigit) ? "[" + part + "]" : "." + part.replace("~1", "/").replace("~0", "~"));
        }
        return path.toString();
    }

    private static MeridianException invalid(List<String> errors) {
        List<String> shown = errors.size() > 10 ? errors.subList(0, 10) : errors;
        return new MeridianException(RuleError.INVALID_INPUT, "The rule is not valid: " + String.join("; ", shown)
                + (errors.size() > shown.size() ? "; and " + (errors.size() - shown.size()) + " more" : ""));
    }
}
