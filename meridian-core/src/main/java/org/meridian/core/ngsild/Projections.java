package org.meridian.core.ngsild;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.meridian.core.error.MeridianException;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.query.Projection;

/** Rendering options from the pick and omit projections of a query or a subscription's notification. */
public final class Projections {
    private Projections() {
    }

    /** Options from pick and omit, with those of linked entities where a member has braces (clause 4.21). */
    public static RenderOptions options(RenderOptions.Format format, boolean systemAttributes, String language,
                                 Set<String> kept, Projection pick, Projection omit, JsonLdContext context) {
        Set<String> omitted = new HashSet<>();
        Map<String, Projection> linkedPicks = new HashMap<>();
        Map<String, Projection> linkedOmits = new HashMap<>();
        if (pick != null && omit != null) {
            Set<String> both = new LinkedHashSet<>(pick.names());
            both.retainAll(omit.names());
            if (!both.isEmpty()) {
                throw MeridianException.badData("'" + both.iterator().next() + "' is in both pick and omit");
            }
        }
        if (pick != null) {
            Set<String> picked = new LinkedHashSet<>();
            for (Projection.Member member : pick.members()) {
                switch (member.name()) {
                    case "id", "type" -> {
                    }
                    default -> {
                        String iri = context.expandTerm(member.name());
                        picked.add(iri);
                        if (member.linked() != null) {
                            linkedPicks.put(iri, member.linked());
                        }
                    }
                }
            }
            if (!pick.names().contains("id")) {
                omitted.add("id");
            }
            if (!pick.names().contains("type")) {
                omitted.add("type");
            }
            kept = kept == null ? picked : intersect(kept, picked);
        }
        if (omit != null) {
            for (Projection.Member member : omit.members()) {
                String name = member.name();
                String key = name.equals("id") || name.equals("type") ? name : context.expandTerm(name);
                if (member.linked() == null) {
                    omitted.add(key);
                } else {
                    linkedOmits.put(key, member.linked());
                }
            }
        }
        Map<String, RenderOptions> linked = new HashMap<>();
        Set<String> relationships = new HashSet<>(linkedPicks.keySet());
        relationships.addAll(linkedOmits.keySet());
        for (String relationship : relationships) {
            linked.put(relationship, options(format, systemAttributes, language, null, linkedPicks.get(relationship),
                    linkedOmits.get(relationship), context));
        }
        return new RenderOptions(format, systemAttributes, kept, omitted, language, linked, null);
    }

    private static Set<String> intersect(Set<String> a, Set<String> b) {
        Set<String> both = new LinkedHashSet<>(a);
        both.retainAll(b);
        return both;
    }
}
