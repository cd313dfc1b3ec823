package org.meridian.platform.http;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.meridian.core.error.MeridianException;

/** The JSON-LD context Link header (JSON-LD 1.1 §6.1, NGSI-LD clause 6.3.5). */
public final class LinkHeader {
    public static final String CONTEXT_REL = "http://www.w3.org/ns/json-ld#context";
    private static final Pattern LINK = Pattern.compile("\\s*<([^>]*)>\\s*(;.*)?");

    private LinkHeader() {
    }

    /** The context URL from the request's Link headers, or null when there is none. */
    public static String contextUrl(List<String> headers) {
        String found = null;
        for (String header : headers) {
            for (String link : header.split(",(?=\\s*<)")) {
                Matcher matcher = LINK.matcher(link);
                if (!matcher.matches()) {
                    throw MeridianException.badData("The Link header '" + link.trim() + "' is malformed");
                }
                String parameters = matcher.group(2) == null ? "" : matcher.group(2);
                if (parameters.contains(CONTEXT_REL)) {
                    if (found != null) {
                        throw MeridianException.badData("More than one JSON-LD context Link header was sent");
                    }
                    found = matcher.group(1).trim();
                    if (found.isEmpty()) {
                        throw MeridianException.badData("The JSON-LD context Link header has an empty URL");
                    }
                }
            }
        }
        return found;
    }

    public static String format(String url) {
        return "<" + url + ">; rel=\"" + CONTEXT_REL + "\"; type=\"application/ld+json\"";
    }
}
