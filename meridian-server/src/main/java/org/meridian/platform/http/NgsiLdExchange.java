package org.meridian.platform.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.javalin.http.Context;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;
import org.meridian.core.error.MeridianException;
import org.meridian.core.json.Json;
import org.meridian.core.jsonld.ContextResolver;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.ngsild.EntityParser;
import org.meridian.core.ngsild.NgsiLd;
import org.meridian.core.security.Caller;

/**
 * One NGSI-LD request as the API sees it: its tenant, its JSON-LD context (from the Link header or the body), its
 * parsed body, and how to answer in the negotiated media type.
 */
public final class NgsiLdExchange {
    static final String TENANT_HEADER = "NGSILD-Tenant";
    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Context http;
    private final ContextResolver contexts;
    private JsonNode contextValue;
    private JsonLdContext context;
    private JsonNode body;
    private boolean batchContextsInBody;
    private final java.util.Map<JsonNode, Object> batchContexts = new java.util.HashMap<>();

    public NgsiLdExchange(Context http, ContextResolver contexts) {
        this.http = http;
        this.contexts = contexts;
    }

    public Context http() {
        return http;
    }

    /** The entity id in the path; one that is not a URI is BadRequestData (clause 6.3.2), not a 404. */
    public String entityId() {
        return EntityParser.requireUri(http.pathParam("entityId"), "The entity id in the path");
    }

    /** The attribute name in the path, checked like a name in a body. */
    public String attributeName() {
        String name = http.pathParam("attrId");
        EntityParser.checkName(name, "attribute name in the path");
        return name;
    }

    /** Who calls, in the tenant the request names: built at the edge for every service call ({@link Callers}). */
    public Caller caller() {
        return Callers.of(http, tenant());
    }

    public String tenant() {
        return tenantOf(http);
    }

    /**
     * The tenant a browser chose at sign-in, sent back as this cookie: pages (and their scripts) cannot send headers
     * on a link or a form. A header, when sent, wins.
     */
    public static final String TENANT_COOKIE = "meridian_tenant";

    /**
     * The tenant a request names in its NGSILD-Tenant header ("" for none), checked: every API uses this header; a
     * browser without it, the tenant chosen at sign-in (a cookie that is not a tenant name is the default tenant).
     */
    public static String tenantOf(Context http) {
        String header = http.header(TENANT_HEADER);
        return header != null ? checkedTenant(header) : chosenTenant(http);
    }

    private static String chosenTenant(Context http) {
        String chosen = http.cookie(TENANT_COOKIE);
        return isTenantName(chosen) ? chosen : "";
    }

    /** Whether the text is a tenant's name (1 to 64 letters, digits, '_' or '-'). */
    public static boolean isTenantName(String text) {
        return text != null && TENANT.matcher(text).matches();
    }

    /**
     * The tenant of a server-sent event stream: browsers' EventSource cannot send headers, so a stream also takes it as
     * {@code ?tenant=} when the header is absent.
     */
    public static String streamTenantOf(Context http) {
        String header = http.header(TENANT_HEADER);
        String asked = header != null && !header.isEmpty() ? header : http.queryParam("tenant");
        return asked != null ? checkedTenant(asked) : chosenTenant(http);
    }

    /** Whether the request asks for a server-sent event stream. */
    public static boolean wantsStream(Context http) {
        String accept = http.header("Accept");
        return accept != null && accept.contains("text/event-stream");
    }

    private static String checkedTenant(String tenant) {
        if (tenant == null || tenant.isEmpty()) {
            return "";
        }
        if (!TENANT.matcher(tenant).matches()) {
            throw MeridianException.badData("The NGSILD-Tenant '" + tenant + "' must be 1 to 64 letters, digits, '_' or '-'");
        }
        return tenant;
    }

    /** Reads a JSON body and the context that comes with it; objects lose their {@code @context} member. */
    public JsonNode body(boolean allowMergePatch) {
        if (body != null) {
            return body;
        }
        String type = MediaTypes.requestBodyType(http.header("Content-Type"), allowMergePatch);
        JsonNode parsed = JsonBody.parse(http);
        String link = LinkHeader.contextUrl(headers("Link"));
        if (type.equals(MediaTypes.JSON_LD)) {
            if (link != null) {
                throw MeridianException.badData("With Content-Type application/ld+json the @context goes in the body, not in a Link header");
            }
            contextValue = bodyContext(parsed);
        } else {
            if (containsContext(parsed)) {
                throw MeridianException.badData("With Content-Type application/json the @context goes in a Link header, not in the body");
            }
            contextValue = link == null ? null : TextNode.valueOf(link);
        }
        body = stripContexts(parsed);
        return body;
    }

    /**
     * Reads a batch's array, leaving each element's {@code @context} to {@link #contextOf}: with application/ld+json
     * every element carries its own (clause 6.3.5), and a missing or unloadable one fails that element alone.
     */
    public JsonNode batchBody() {
        if (body != null) {
            return body;
        }
        String type = MediaTypes.requestBodyType(http.header("Content-Type"), false);
        JsonNode parsed = JsonBody.parse(http);
        String link = LinkHeader.contextUrl(headers("Link"));
        batchContextsInBody = type.equals(MediaTypes.JSON_LD);
        if (batchContextsInBody && link != null) {
            throw MeridianException.badData("With Content-Type application/ld+json the @context goes in the body, not in a Link header");
        }
        contextValue = batchContextsInBody || link == null ? null : TextNode.valueOf(link);
        body = parsed;
        if (!batchContextsInBody) {
            context(); // the Link's context is every element's: loaded once, and if it cannot be, the batch fails
        }
        return body;
    }

    /** Most different @contexts one batch may carry: each may be a fetch. */
    public static final int MAX_BATCH_CONTEXTS = 16;

    /** The context of one element of a batch read by {@link #batchBody}; takes the element's @context member out. */
    public JsonLdContext contextOf(JsonNode element) {
        if (!(element instanceof ObjectNode object)) {
            return context();
        }
        JsonNode value = object.remove("@context");
        if (batchContextsInBody) {
            if (value == null) {
                throw MeridianException.badData("An element of an application/ld+json batch needs an @context member");
            }
            // Each distinct @context is resolved once per batch, its failure too (a fetch is not retried per element).
            Object resolved = batchContexts.get(value);
            if (resolved == null) {
                if (batchContexts.size() >= MAX_BATCH_CONTEXTS) {
                    throw MeridianException.badData("A batch may carry at most " + MAX_BATCH_CONTEXTS + " different @contexts");
                }
                try {
                    resolved = contexts.resolve(value);
                } catch (MeridianException e) {
                    resolved = e;
                }
                batchContexts.put(value, resolved);
            }
            if (resolved instanceof MeridianException failure) {
                throw failure;
            }
            return (JsonLdContext) resolved;
        }
        if (value != null) {
            throw MeridianException.badData("With Content-Type application/json the @context goes in a Link header, not in the body");
        }
        return context();
    }

    private static JsonNode bodyContext(JsonNode parsed) {
        if (parsed.isObject()) {
            JsonNode value = parsed.get("@context");
            if (value == null) {
                throw MeridianException.badData("A body sent as application/ld+json needs an @context member");
            }
            return value;
        }
        if (parsed.isArray()) {
            boolean ids = !parsed.isEmpty();
            for (JsonNode element : parsed) {
                ids &= element.isTextual();
            }
            if (ids) {
                // A batch delete's list of ids has no terms to expand, so no @context to carry.
                return null;
            }
            JsonNode first = null;
            for (JsonNode element : parsed) {
                JsonNode value = element.get("@context");
                if (value == null) {
                    throw MeridianException.badData("Every element of an application/ld+json array needs an @context member");
                }
                if (first != null && !first.equals(value)) {
                    throw MeridianException.badData("All elements of a batch must share one @context");
                }
                first = value;
            }
            return first;
        }
        throw MeridianException.badData("An application/ld+json body must be an object or an array of objects");
    }

    private static boolean containsContext(JsonNode parsed) {
        if (parsed.isObject()) {
            return parsed.has("@context");
        }
        if (parsed.isArray()) {
            for (JsonNode element : parsed) {
                if (element.isObject() && element.has("@context")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static JsonNode stripContexts(JsonNode parsed) {
        if (parsed instanceof ObjectNode object) {
            object.remove("@context");
        } else if (parsed instanceof ArrayNode array) {
            array.forEach(element -> {
                if (element instanceof ObjectNode object) {
                    object.remove("@context");
                }
            });
        }
        return parsed;
    }

    /** The context of this request: from the body when it had one, otherwise from the Link header, else the core. */
    public JsonLdContext context() {
        if (context == null) {
            if (body == null) {
                String link = LinkHeader.contextUrl(headers("Link"));
                contextValue = link == null ? null : TextNode.valueOf(link);
            }
            context = contexts.resolve(contextValue);
        }
        return context;
    }

    /** The {@code @context} value as the client gave it (a URL, an object, an array), or null for the core context. */
    public JsonNode contextValue() {
        context();
        return contextValue;
    }

    public String accept(List<String> producible) {
        return MediaTypes.negotiate(http.header("Accept"), producible);
    }

    /** Sends JSON in the negotiated type: JSON-LD carries {@code @context} in the body, JSON a Link header. */
    public void respond(int status, JsonNode payload, String mediaType) {
        context();
        JsonNode out = payload;
        if (mediaType.equals(MediaTypes.JSON_LD)) {
            out = withContext(payload);
        } else if (mediaType.equals(MediaTypes.GEO_JSON) && payload instanceof ObjectNode feature) {
            // Clause 6.3.15: a GeoJSON Feature or FeatureCollection carries its @context as a member of its own.
            ObjectNode withContext = feature.deepCopy();
            withContext.set("@context", contextValue == null ? TextNode.valueOf(NgsiLd.CORE_CONTEXT_V1_8) : contextValue);
            out = withContext;
            http.header("Link", LinkHeader.format(contextUrl()));
        } else {
            http.header("Link", LinkHeader.format(contextUrl()));
        }
        http.status(status).contentType(mediaType).result(Json.write(out));
    }

    private JsonNode withContext(JsonNode payload) {
        JsonNode value = contextValue == null ? TextNode.valueOf(NgsiLd.CORE_CONTEXT_V1_8) : contextValue;
        if (payload instanceof ObjectNode object) {
            ObjectNode out = NODES.objectNode();
            out.set("@context", value);
            out.setAll(object);
            return out;
        }
        if (payload instanceof ArrayNode array) {
            ArrayNode out = NODES.arrayNode();
            for (JsonNode element : array) {
                out.add(element instanceof ObjectNode object ? withContext(object) : element);
            }
            return out;
        }
        return payload;
    }

    /** The URL to name in a Link header: the caller's own when it sent one URL, otherwise the core context. */
    private String contextUrl() {
        if (contextValue != null && contextValue.isTextual()) {
            return contextValue.asText();
        }
        return NgsiLd.CORE_CONTEXT_V1_8;
    }

    public List<String> headers(String name) {
        var values = http.req().getHeaders(name);
        return values == null ? List.of() : Collections.list(values);
    }
}
