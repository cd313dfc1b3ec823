package org.meridian.broker.http;

import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** The Link headers of a page of results, rel="prev" and rel="next" (clause 5.5.9), beside the @context's. */
final class PageLinks {
    private PageLinks() {
    }

    static void add(Context http, String mediaType, int limit, int offset, boolean hasNext) {
        if (offset > 0) {
            http.res().addHeader("Link", link(http, mediaType, limit, Math.max(0, offset - limit), "prev"));
        }
        if (hasNext) {
            http.res().addHeader("Link", link(http, mediaType, limit, offset + limit, "next"));
        }
    }

    /** The same request with another offset: its other parameters kept, limit and offset last. */
    private static String link(Context http, String mediaType, int limit, int offset, String relation) {
        StringBuilder url = new StringBuilder(http.path().replaceAll("/+$", "")).append('?');
        for (Map.Entry<String, List<String>> parameter : http.queryParamMap().entrySet()) {
            if (parameter.getKey().equals("limit") || parameter.getKey().equals("offset")) {
                continue;
            }
            for (String value : parameter.getValue()) {
                url.append(encode(parameter.getKey())).append('=').append(encode(value)).append('&');
            }
        }
        url.append("limit=").append(limit).append("&offset=").append(offset);
        return "<" + url + ">;rel=\"" + relation + "\";type=\"" + mediaType + "\"";
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
