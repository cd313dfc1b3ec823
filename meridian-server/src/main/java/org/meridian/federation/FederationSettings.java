package org.meridian.federation;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.meridian.platform.capability.Environment;

/**
 * A node's place in the hierarchy, with its defaults; README.md's settings table lists the same keys. A node without
 * a parent is the top of its hierarchy (or stands alone): it registers nowhere.
 *
 * @param parent the parent node's base URL, or null
 * @param parentKey the API key the parent issued to this node ({@code client-id.secret}), sent as {@code X-Api-Key}
 * @param readerClient the machine client of this node through which the parent reads: its department's grants decide
 *                     what the parent sees. The node gives it a new secret at each start and hands the key to the
 *                     parent in its registration, so no secret of it is configured anywhere. Null: the parent reads
 *                     only what anyone may.
 * @param name the node's name as the parent shows it
 * @param level district, county, city or province
 * @param boundary a GeoJSON file with the node's area (a geometry, a Feature or a FeatureCollection's first feature)
 * @param refreshSeconds how often the registration is renewed; it expires after five missed renewals
 */
public record FederationSettings(String parent, String parentKey, String readerClient, String name, String level, Path boundary,
                                 int refreshSeconds) {
    public static final String PARENT = "MERIDIAN_FEDERATION_PARENT";
    public static final String PARENT_KEY = "MERIDIAN_FEDERATION_PARENT_KEY";
    public static final String READER_CLIENT = "MERIDIAN_FEDERATION_READER_CLIENT";
    public static final String NAME = "MERIDIAN_FEDERATION_NAME";
    public static final String LEVEL = "MERIDIAN_FEDERATION_LEVEL";
    public static final String BOUNDARY = "MERIDIAN_FEDERATION_BOUNDARY";
    public static final String REFRESH_SECONDS = "MERIDIAN_FEDERATION_REFRESH_SECONDS";

    static final Set<String> LEVELS = Set.of("district", "county", "city", "province");

    public static FederationSettings from(Environment environment) {
        return new FederationSettings(blankToNull(environment.text(PARENT, null)), blankToNull(environment.text(PARENT_KEY, null)),
                blankToNull(environment.text(READER_CLIENT, null)), environment.text(NAME, "Meridian node"),
                environment.text(LEVEL, "city"), environment.path(BOUNDARY), environment.integer(REFRESH_SECONDS, 60));
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }

    public boolean hasParent() {
        return parent != null;
    }

    /** Impossible values, each with the setting to change. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (!LEVELS.contains(level)) {
            problems.add(LEVEL + " must be one of " + new java.util.TreeSet<>(LEVELS) + ", not '" + level + "'");
        }
        if (name.isBlank() || name.length() > 200) {
            problems.add(NAME + " must be 1..200 characters");
        }
        if (refreshSeconds < 5 || refreshSeconds > 3600) {
            problems.add(REFRESH_SECONDS + " must be 5..3600, not " + refreshSeconds);
        }
        if (boundary != null && !Files.isReadable(boundary)) {
            problems.add(BOUNDARY + " names a file that cannot be read: " + boundary);
        }
        if (parent != null) {
            try {
                URI uri = URI.create(parent);
                if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                    problems.add(PARENT + " must be an http(s) URL, not '" + parent + "'");
                }
            } catch (IllegalArgumentException e) {
                problems.add(PARENT + " must be an http(s) URL, not '" + parent + "'");
            }
            if (parentKey == null) {
                problems.add(PARENT_KEY + " is needed with " + PARENT + ": the API key the parent issued to this node");
            }
        }
        return problems;
    }
}
