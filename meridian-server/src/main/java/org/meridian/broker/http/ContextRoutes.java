package org.meridian.broker.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import org.meridian.broker.ContextService;
import org.meridian.core.error.MeridianException;
import org.meridian.core.json.Json;
import org.meridian.core.jsonld.StoredContext;
import org.meridian.platform.http.Access;
import org.meridian.platform.http.JsonBody;
import org.meridian.platform.http.MediaTypes;
import org.meridian.platform.http.Parameters;
import org.meridian.platform.http.Routes;

/** The {@code @context} store: /ngsi-ld/v1/jsonldContexts (clause 5.13, 6.29–6.30). */
public final class ContextRoutes implements Routes {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ContextService contexts;

    public ContextRoutes(ContextService contexts) {
        this.contexts = contexts;
    }

    @Override
    public void register(RoutesConfig routes) {
        String base = EntityRoutes.BASE + "/jsonldContexts";
        routes.post(base, this::add, Access.WRITE_DATA);
        routes.get(base, this::list, Access.PUBLIC);
        routes.get(base + "/{contextId}", this::get, Access.PUBLIC);
        routes.delete(base + "/{contextId}", this::delete, Access.WRITE_DATA);
    }

    private void add(Context http) {
        MediaTypes.requestBodyType(http.header("Content-Type"), false);
        JsonNode body = JsonBody.parse(http);
        StoredContext stored = contexts.add(body);
        // A path, as for entities: the stored context's own URL (what clients name in @context) is in its details.
        http.header("Location", EntityRoutes.BASE + "/jsonldContexts/" + stored.localId()).status(201);
    }

    private void list(Context http) {
        MediaTypes.negotiate(http.header("Accept"), List.of(MediaTypes.JSON, MediaTypes.JSON_LD));
        boolean details = Parameters.flag(http, "details");
        String kind = Parameters.single(http, "kind");
        if (kind != null && !List.of("hosted", "cached", "implicitlycreated").contains(kind.toLowerCase())) {
            throw MeridianException.badData("kind must be Hosted, Cached or ImplicitlyCreated, not '" + kind + "'");
        }
        ArrayNode list = NODES.arrayNode();
        for (StoredContext stored : contexts.list(kind)) {
            if (details) {
                list.add(details(stored));
            } else {
                list.add(stored.url());
            }
        }
        if (kind == null || kind.equalsIgnoreCase("cached")) {
            contexts.bundledUrls().forEach(url -> list.add(details ? NODES.objectNode().put("URL", url).put("kind", "Cached") : NODES.textNode(url)));
        }
        http.status(200).contentType(MediaTypes.JSON).result(Json.write(list));
    }

    /** Serves a stored context (clause 5.13.4), or with details=true what is known of it. */
    private void get(Context http) {
        String id = localId(http.pathParam("contextId"));
        boolean details = Parameters.flag(http, "details");
        java.util.Optional<JsonNode> bundled = contexts.bundledDocument(id);
        if (bundled.isPresent()) {
            JsonNode out = details ? NODES.objectNode().put("URL", id).put("kind", "Cached") : bundled.get();
            http.status(200).contentType(MediaTypes.JSON).result(Json.write(out));
            return;
        }
        StoredContext stored = contexts.find(id).orElseThrow(() -> MeridianException.notFound("No @context " + id + " in the store"));
        http.status(200).contentType(MediaTypes.JSON).result(Json.write(details ? details(stored) : stored.body()));
    }

    private static ObjectNode details(StoredContext stored) {
        ObjectNode item = NODES.objectNode();
        item.put("URL", stored.url());
        item.put("localId", "urn:ngsi-ld:jsonldContext:" + stored.localId());
        item.put("kind", stored.kind());
        item.put("createdAt", stored.createdAt().toString());
        if (stored.lastUsage() != null) {
            item.put("lastUsage", stored.lastUsage().toString());
        }
        item.put("numberOfHits", stored.numberOfHits());
        return item;
    }

    private void delete(Context http) {
        contexts.delete(localId(http.pathParam("contextId")), Parameters.flag(http, "reload"));
        http.status(204);
    }

    private static String localId(String contextId) {
        return contextId.startsWith("urn:ngsi-ld:jsonldContext:") ? contextId.substring("urn:ngsi-ld:jsonldContext:".length()) : contextId;
    }
}
