package org.meridian.broker.http;

import io.javalin.http.Context;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.meridian.core.error.MeridianException;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.ngsild.RenderOptions;
import org.meridian.core.query.Projection;
import org.meridian.core.ngsild.Projections;
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
                default -> throw MeridianException.invalidRequest("Unknown option '" + option + "'; expected keyValues, concise, normalized or sysAttrs");
            }
        }
        String formatParameter = Parameters.single(http, "format");
        if (formatParameter != null) {
            format = switch (formatParameter) {
                case "keyValues", "simplified" -> RenderOptions.Format.KEY_VALUES;
                case "concise" -> RenderOptions.Format.CONCISE;
                case "normalized" -> RenderOptions.Format.NORMALIZED;
                default -> throw MeridianException.invalidRequest("Unknown format '" + formatParameter + "'; expected normalized, concise or keyValues");
            };
        }
        if (attrs != null && (attrs.contains("id") || attrs.contains("type"))) {
            throw MeridianException.badData("attrs names attributes; id and type are not attributes (use pick for them)");
        }
        Set<String> kept = attrs == null ? null : expand(attrs, context);
        Projection pick = projection(http, "pick");
        Projection omit = projection(http, "omit");
        if (attrs != null && (pick != null || omit != null)) {
            throw MeridianException.badData("attrs cannot be combined with pick or omit; name the attributes in pick");
        }
        RenderOptions projected = project(format, options.contains("sysAttrs"), Parameters.single(http, "lang"), kept, pick, omit, context);
        List<String> datasetIds = Parameters.list(http, "datasetId");
        if (datasetIds == null) {
            return projected;
        }
        for (String datasetId : datasetIds) {
            if (!datasetId.equals(RenderOptions.DEFAULT_INSTANCE)) {
                org.meridian.core.ngsild.EntityParser.requireUri(datasetId, "A datasetId");
            }
        }
        return new RenderOptions(projected.format(), projected.systemAttributes(), projected.attributes(),
                projected.omitted(), projected.language(), projected.linked(), Set.copyOf(datasetIds));
    }

    private static Projection projection(Context http, String name) {
        String text = Parameters.single(http, name);
        return text == null ? null : Projection.parse(name, text);
    }

    /** Options from pick and omit, with those of linked entities where a member has braces (clause 4.21). */
    static RenderOptions project(RenderOptions.Format format, boolean systemAttributes, String language,
                                 Set<String> kept, Projection pick, Projection omit, JsonLdContext context) {
        return Projections.options(format, systemAttributes, language, kept, pick, omit, context);
    }

    private static Set<String> expand(java.util.Collection<String> names, JsonLdContext context) {
        Set<String> expanded = new LinkedHashSet<>();
        names.forEach(name -> expanded.add(context.expandTerm(name)));
        return expanded;
    }
}
