package org.meridian.platform.http;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.meridian.core.error.ErrorType;
import org.meridian.core.error.MeridianException;

/** Content negotiation for the NGSI-LD API (clause 6.3.4 and 6.3.6). */
public final class MediaTypes {
    public static final String JSON = "application/json";
    public static final String JSON_LD = "application/ld+json";
    public static final String GEO_JSON = "application/geo+json";
    public static final String MERGE_PATCH = "application/merge-patch+json";

    private MediaTypes() {
    }

    /** The media type of a request body, without parameters; only JSON and JSON-LD (and merge-patch) are accepted. */
    public static String requestBodyType(String contentType, boolean allowMergePatch) {
        if (contentType == null || contentType.isBlank()) {
            throw new MeridianException(ErrorType.UNSUPPORTED_MEDIA_TYPE,
                    "The request has a body but no Content-Type; use application/json or application/ld+json");
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (type.equals(JSON) || type.equals(JSON_LD) || allowMergePatch && type.equals(MERGE_PATCH)) {
            return type;
        }
        throw new MeridianException(ErrorType.UNSUPPORTED_MEDIA_TYPE, "Content-Type " + type
                + " is not supported here; use application/json or application/ld+json"
                + (allowMergePatch ? " or application/merge-patch+json" : ""));
    }

    /** Picks the response type from an Accept header among the ones this resource can produce (first is default). */
    public static String negotiate(String accept, List<String> producible) {
        if (accept == null || accept.isBlank()) {
            return producible.getFirst();
        }
        record Range(String type, double quality, int order) {
        }
        List<Range> ranges = new ArrayList<>();
        String[] parts = accept.split(",");
        for (int i = 0; i < parts.length; i++) {
            String[] pieces = parts[i].split(";");
            double quality = 1.0;
            for (int p = 1; p < pieces.length; p++) {
                String parameter = pieces[p].trim();
                if (parameter.startsWith("q=")) {
                    try {
                        quality = Double.parseDouble(parameter.substring(2));
                    } catch (NumberFormatException e) {
                        quality = 0;
                    }
                }
            }
            ranges.add(new Range(pieces[0].trim().toLowerCase(Locale.ROOT), quality, i));
        }
        ranges.sort(Comparator.comparingDouble(Range::quality).reversed().thenComparingInt(Range::order));
        for (Range range : ranges) {
            if (range.quality() <= 0) {
                continue;
            }
            if (range.type().equals("*/*") || range.type().equals("application/*")) {
                return producible.getFirst();
            }
            if (producible.contains(range.type())) {
                return range.type();
            }
        }
        throw new MeridianException(ErrorType.NOT_ACCEPTABLE, "Cannot produce any of '" + accept + "'; this resource offers "
                + String.join(", ", producible));
    }
}
