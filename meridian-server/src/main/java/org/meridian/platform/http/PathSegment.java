package org.meridian.platform.http;

import java.nio.charset.StandardCharsets;

/**
 * An id as one segment of a URL path (RFC 3986 pchar): {@code urn:ngsi-ld:Road:1} stays as it is, as the
 * specification's examples and clients expect, while '/', '?', '#', '%' and non-ASCII characters are
 * percent-encoded so the path still names the one resource.
 */
public final class PathSegment {
    private static final String KEPT = "-._~!$&'()*+,;=:@";

    private PathSegment() {
    }

    public static String encode(String id) {
        StringBuilder out = new StringBuilder(id.length());
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            if (c < 0x80 && (Character.isLetterOrDigit(c) || KEPT.indexOf(c) >= 0)) {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return out.toString();
    }
}
