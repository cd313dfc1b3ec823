package org.meridian.broker.http;

import io.javalin.http.Context;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.meridian.core.error.MeridianException;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.ngsild.RenderOptions;
import org.meridian.platform.http.Parameters;

/** Reads options, format, attrs, pick, omit and lang into {@link RenderOptions}. */
final class RenderOptionsReader {
    private RenderOptionsReader() {
    }

    static RenderOptions read(Context http, JsonLdContext context, List<String> attrs) {
        Set<String> options = Parameters.options(http);
        RenderOptions.Format format = RenderOptions.Format.NORMALIZED;
        for (String option : options) {
            switch (option) {
                case "keyValues", "simplified" -> format = RenderOptions.Format.KEY_VALUES;
                case "concise" -> format = RenderOptions.Format.CONCISE;
                case "normalized", "sysAttrs", "noOverwrite", "replace", "update" -> {
                }
                default -> throw MeridianException.badData("Unknown option '" + option + "'; expected keyValues, concise, normalized or sysAttrs");
            }
        }
        String formatParameter = Parameters.single(http, "format");
        if (formatParameter != null) {
            format = switch (formatParameter) {
                case "keyValues", "simplified" -> RenderOptions.Format.KEY_VALUES;
                case "concise" -> RenderOptions.Format.CONCISE;
                case "normalized" -> RenderOptions.Format.NORMALIZED;
                default -> throw MeridianException.badData("Unknown format '" + formatParameter + "'; expected normalized, concise or keyValues");
            };
        }
        Set<String> kept = null;
        if (attrs != null) {
            kept = expand(attrs, context);
        }
        Set<String> omitted = new HashSet<>();
        List<String> pick = Parameters.list(http, "pick");
        List<String> omit = Parameters.list(http, "omit");
        if (pick != null && omit != null) {
            throw MeridianException.badData("pick and omit cannot be used together");
        }
        if (pick != null) {
            Set<String> picked = new LinkedHashSet<>(pick);
            if (!picked.remove("id")) {
                omitted.add("id");
            }
            if (!picked.remove("type")) {
                omitted.add("type");
            }
            Set<String> pickedAttributes = expand(picked, context);
            kept = kept == null ? pickedAttributes : intersect(kept, pickedAttributes);
        }
        if (omit != null) {
            for (String member : omit) {
                omitted.add(member.equals("id") || member.equals("type") ? member : context.expandTerm(member));
            }
        }
        return new RenderOptions(format, options.contains("sysAttrs"), kept, omitted, Parameters.single(http, "lang"));
    }

    private static Set<String> expand(java.util.Collection<String> names, JsonLdContext context) {
        Set<String> expanded = new LinkedHashSet<>();
        names.forEach(name -> expanded.add(context.expandTerm(name)));
        return expanded;
    }

    private static Set<String> intersect(Set<String> a, Set<String> b) {
        Set<String> both = new LinkedHashSet<>(a);
        both.retainAll(b);
        return both;
    }
}
