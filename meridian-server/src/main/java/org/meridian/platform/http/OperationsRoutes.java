package org.meridian.platform.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.BooleanSupplier;

/** Health and metrics for operators and load balancers. */
final class OperationsRoutes {
    private final BooleanSupplier databaseReachable;
    private final PrometheusMeterRegistry registry;

    OperationsRoutes(BooleanSupplier databaseReachable, PrometheusMeterRegistry registry) {
        this.databaseReachable = databaseReachable;
        this.registry = registry;
    }

    void register(RoutesConfig routes) {
        routes.get("/health", this::health, Access.PUBLIC);
        routes.get("/metrics", this::metrics, Access.MONITOR);
        routes.get("/openapi.yaml", this::openApi, Access.API_DOCUMENT);
    }

    private void openApi(Context http) throws java.io.IOException {
        try (var document = OperationsRoutes.class.getResourceAsStream("/openapi/meridian.yaml")) {
            http.contentType("application/yaml; charset=utf-8").result(document.readAllBytes());
        }
    }

    private void health(Context http) {
        boolean database = databaseReachable.getAsBoolean();
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("status", database ? "UP" : "DOWN");
        body.putObject("checks").put("database", database ? "UP" : "DOWN");
        http.status(database ? 200 : 503).contentType(MediaTypes.JSON).result(body.toString());
    }

    private void metrics(Context http) {
        http.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape());
    }
}
