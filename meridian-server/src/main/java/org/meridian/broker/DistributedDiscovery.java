package org.meridian.broker;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.meridian.core.csource.Registration;
import org.meridian.core.csource.RegistrationFilter;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.ngsild.AttributeSummary;
import org.meridian.core.ngsild.TypeSummary;
import org.meridian.core.security.Caller;
import org.meridian.core.security.ReadScope;

/**
 * Type and attribute discovery across context sources (clause 5.7.5–5.7.10 with 4.3.6): this broker's answer merged
 * with the sources registered for the discovery operations. The sources are asked without a {@code @context}, so their
 * names come back in the core context's terms and are expanded with it; entity and attribute counts are added (an
 * entity that two nodes both hold counts twice). This node's read rules apply to what the sources name, as to its own.
 */
public final class DistributedDiscovery {
    private final ContextSourceService sources;
    private final Forwarder forwarder;
    private final SourceIdentity identity;
    private final ReadPolicies policies;
    private final JsonLdContext core;

    public DistributedDiscovery(ContextSourceService sources, Forwarder forwarder, SourceIdentity identity, ReadPolicies policies,
                                JsonLdContext core) {
        this.sources = sources;
        this.forwarder = forwarder;
        this.identity = identity;
        this.policies = policies;
        this.core = core;
    }

    /** What was found (local and remote, merged, by name) and what could not be asked. */
    public record Found<T>(List<T> items, List<String> failures) {
    }

    /**
     * The types of this broker and its sources; null when no source offers them (the local answer stands).
     *
     * @param type one type's IRI (EntityTypeInfo), or null for all of them
     */
    public Found<TypeSummary> types(Caller caller, List<TypeSummary> local, String type, String via) {
        List<Registration> registered = type == null
                ? registered(caller, List.of("retrieveEntityTypeDetails", "retrieveEntityTypes"), null, null, via)
                : registered(caller, List.of("retrieveEntityTypeInfo"), Set.of(type), null, via);
        if (registered.isEmpty()) {
            return null;
        }
        String viaOut = viaOut(caller, via);
        // The details when the source offers them (names with their attributes), else the names alone.
        Forwarder.Answers answers = forwarder.read(registered, source -> new Forwarder.Read(type != null ? "/types/" + encode(type)
                : source.operations().contains("retrieveEntityTypeDetails") ? "/types?details=true" : "/types",
                caller.tenant(), null, viaOut));
        Map<String, Merging> merged = new TreeMap<>();
        local.forEach(summary -> merging(merged, summary.type()).add(summary.entityCount(), summary.attributeTypes(), Set.of(), Set.of()));
        ReadScope scope = policies.scope(caller);
        for (JsonNode body : answers.bodies()) {
            for (JsonNode item : items(body, "typeList", "typeName")) {
                String name = iri(item.path("id"), item.path("typeName"));
                if (name == null || type != null && !name.equals(type) || !scope.admitsType(name)) {
                    continue;
                }
                Map<String, Set<String>> attributes = new TreeMap<>();
                item.path("attributeNames").forEach(attribute -> attributes.put(core.expandTerm(attribute.asText()), Set.of()));
                item.path("attributeDetails").forEach(detail -> {
                    String attribute = iri(detail.path("id"), detail.path("attributeName"));
                    if (attribute != null) {
                        attributes.put(attribute, texts(detail.path("attributeTypes")));
                    }
                });
                attributes.keySet().removeIf(attribute -> !scope.shows(List.of(name), attribute));
                merging(merged, name).add(item.path("entityCount").asLong(0), attributes, Set.of(), Set.of());
            }
        }
        List<TypeSummary> found = new ArrayList<>();
        merged.forEach((name, merging) -> found.add(new TypeSummary(name, merging.count, merging.attributes)));
        return new Found<>(found, answers.failures());
    }

    /**
     * The attributes of this broker and its sources; null when no source offers them.
     *
     * @param attribute one attribute's IRI, or null for all of them
     */
    public Found<AttributeSummary> attributes(Caller caller, List<AttributeSummary> local, String attribute, String via) {
        List<Registration> registered = attribute == null
                ? registered(caller, List.of("retrieveAttrTypeDetails", "retrieveAttrTypes"), null, null, via)
                : registered(caller, List.of("retrieveAttrTypeInfo"), null, Set.of(attribute), via);
        if (registered.isEmpty()) {
            return null;
        }
        String viaOut = viaOut(caller, via);
        Forwarder.Answers answers = forwarder.read(registered, source -> new Forwarder.Read(attribute != null ? "/attributes/" + encode(attribute)
                : source.operations().contains("retrieveAttrTypeDetails") ? "/attributes?details=true" : "/attributes",
                caller.tenant(), null, viaOut));
        Map<String, Merging> merged = new TreeMap<>();
        local.forEach(summary -> merging(merged, summary.attribute()).add(summary.entityCount(), Map.of(), summary.entityTypes(),
                summary.attributeTypes()));
        ReadScope scope = policies.scope(caller);
        for (JsonNode body : answers.bodies()) {
            for (JsonNode item : items(body, "attributeList", "attributeName")) {
                String name = iri(item.path("id"), item.path("attributeName"));
                if (name == null || attribute != null && !name.equals(attribute) || !scope.showsAnywhere(name)) {
                    continue;
                }
                Set<String> types = new TreeSet<>();
                item.path("typeNames").forEach(type -> types.add(core.expandTerm(type.asText())));
                types.removeIf(type -> !scope.shows(List.of(type), name));
                if (types.isEmpty() && !item.path("typeNames").isEmpty()) {
                    continue;
                }
                merging(merged, name).add(item.path("attributeCount").asLong(0), Map.of(), types, texts(item.path("attributeTypes")));
            }
        }
        List<AttributeSummary> found = new ArrayList<>();
        merged.forEach((name, merging) -> found.add(new AttributeSummary(name, merging.count, merging.entityTypes, merging.kinds)));
        return new Found<>(found, answers.failures());
    }

    private List<Registration> registered(Caller caller, List<String> operations, Set<String> types, Set<String> attributes, String via) {
        if (via != null && via.contains(identity.alias(caller.tenant()))) {
            return List.of();
        }
        RegistrationFilter filter = new RegistrationFilter(types, null, null, attributes, null, null, null, null);
        Set<Registration> found = new LinkedHashSet<>();
        operations.forEach(operation -> found.addAll(sources.sourcesFor(caller, operation, filter)));
        return List.copyOf(found);
    }

    /**
     * The items of an answer: the elements of a details array, the one info object, or a name list's names as items
     * of one member ({@code typeList} → {@code {"typeName": …}}).
     */
    private static List<JsonNode> items(JsonNode body, String list, String member) {
        List<JsonNode> items = new ArrayList<>();
        if (body.isArray()) {
            body.forEach(items::add);
        } else if (body.has(list)) {
            body.get(list).forEach(name -> items.add(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().set(member, name)));
        } else {
            items.add(body);
        }
        return items;
    }

    private String viaOut(Caller caller, String via) {
        return (via == null || via.isBlank() ? "" : via + ", ") + "1.1 " + identity.alias(caller.tenant());
    }

    private static String encode(String iri) {
        return URLEncoder.encode(iri, StandardCharsets.UTF_8);
    }

    /** An item's name as an IRI: its id when that is one, else its name expanded with the core context. */
    private String iri(JsonNode id, JsonNode name) {
        if (id.isTextual() && id.asText().contains(":") && !id.asText().startsWith("urn:ngsi-ld:EntityType")) {
            return id.asText();
        }
        return name.isTextual() ? core.expandTerm(name.asText()) : null;
    }

    private static Set<String> texts(JsonNode array) {
        Set<String> texts = new TreeSet<>();
        array.forEach(text -> texts.add(text.asText()));
        return texts;
    }

    private static Merging merging(Map<String, Merging> merged, String name) {
        return merged.computeIfAbsent(name, key -> new Merging());
    }

    /** One name's figures as they are added up: a type's attributes (with their kinds), an attribute's types and kinds. */
    private static final class Merging {
        long count;
        final Map<String, Set<String>> attributes = new TreeMap<>();
        final Set<String> entityTypes = new LinkedHashSet<>();
        final Set<String> kinds = new TreeSet<>();

        void add(long more, Map<String, Set<String>> names, Set<String> types, Set<String> attributeKinds) {
            count += more;
            kinds.addAll(attributeKinds);
            names.forEach((name, kinds) -> attributes.merge(name, kinds, (a, b) -> {
                Set<String> both = new TreeSet<>(a);
                both.addAll(b);
                return both;
            }));
            entityTypes.addAll(types);
        }
    }
}
