package org.meridian.web;

/** For the templates: the version part of asset paths (browsers keep an asset until the build changes it). */
public final class AssetPaths {
    private AssetPaths() {
    }

    public static String version() {
        return Assets.VERSION;
    }
}
