package org.meridian.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.meridian.core.error.MeridianException;
import org.meridian.platform.http.Access;
import org.meridian.platform.http.Routes;

/**
 * The pages' own scripts, styles and images ({@code web/assets/} on the class path) and the libraries they use,
 * packaged as pinned dependencies (Leaflet from its webjar): served by the app itself, so the pages work with no
 * internet and no CDN. Files are read once and kept; the version in the path lets browsers keep them for a year.
 */
public final class Assets implements Routes {
    /** Changes with every build (the pages name their assets with it). */
    static final String VERSION = Long.toHexString(Build.STAMP);

    private static final Map<String, String> ROOTS = Map.of(
            "app", "/web/assets/",
            "leaflet", "/META-INF/resources/webjars/leaflet/1.9.4/dist/");
    private static final Map<String, String> TYPES = Map.of(
            "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "png", "image/png",
            "svg", "image/svg+xml", "ico", "image/x-icon", "json", "application/json");

    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

    Assets() {
    }

    /** For the templates: the version part of asset paths. */
    public static String version() {
        return VERSION;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/assets/{version}/{root}/<file>", this::serve, Access.PUBLIC);
    }

    private void serve(Context http) {
        String root = ROOTS.get(http.pathParam("root"));
        String file = http.pathParam("file");
        String extension = file.substring(file.lastIndexOf('.') + 1);
        if (root == null || file.contains("..") || file.startsWith("/") || !TYPES.containsKey(extension)) {
            throw MeridianException.notFound("No asset " + http.path());
        }
        // Only files that exist are kept: asking for made-up names costs nothing to remember.
        byte[] content = cache.computeIfAbsent(root + file, Assets::read);
        if (content == null) {
            throw MeridianException.notFound("No asset " + http.path());
        }
        http.header("Cache-Control", http.pathParam("version").equals(VERSION) ? "public, max-age=31536000, immutable" : "no-cache");
        http.header("X-Content-Type-Options", "nosniff");
        http.contentType(TYPES.get(extension)).result(content);
    }

    private static byte[] read(String path) {
        try (InputStream in = Assets.class.getResourceAsStream(path)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("the asset " + path + " could not be read", e);
        }
    }

    /** When this build was made, to version the assets' paths. */
    private static final class Build {
        static final long STAMP = readStamp();

        private static long readStamp() {
            try {
                var location = Assets.class.getProtectionDomain().getCodeSource().getLocation();
                return java.nio.file.Files.getLastModifiedTime(java.nio.file.Path.of(location.toURI())).toMillis();
            } catch (Exception e) {
                return System.currentTimeMillis();
            }
        }
    }
}
