package org.meridian.platform.http;

import io.javalin.config.RoutesConfig;

/** What a capability contributes to the HTTP server: its routes, registered when the server starts. */
public interface Routes {
    void register(RoutesConfig routes);
}
