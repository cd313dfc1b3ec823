package org.meridian.ingest.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.meridian.core.error.ErrorType;
import org.meridian.core.error.MeridianException;
import org.meridian.ingest.IngestError;
import org.meridian.ingest.Principal;
import org.meridian.core.ingest.AttributeMapping;
import org.meridian.core.ingest.DeviceCounters;
import org.meridian.core.ingest.StoredDevice;
import org.meridian.core.ingest.StoredGroup;
import org.meridian.core.ingest.UnknownDevice;
import org.meridian.core.jsonld.ContextResolver;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.ngsild.EntityRenderer;
import org.meridian.core.ngsild.RenderOptions;
import org.meridian.core.security.Redaction;
import org.meridian.ingest.Ingest;
import org.meridian.ingest.IngestPipeline;
import org.meridian.platform.http.Access;
import org.meridian.platform.http.MediaTypes;
import org.meridian.platform.http.NgsiLdExchange;
import org.meridian.platform.http.Parameters;
import org.meridian.platform.http.Routes;

/**
 * Device provisioning (/iot/services, /iot/devices: the FIWARE IoT Agent API) and the HTTP southbound
 * (POST /iot/json?k={apikey}&i={deviceId}). Errors are problem details like everywhere else.
 */
final class IotRoutes implements Routes {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final RenderOptions NORMALIZED = new RenderOptions(RenderOptions.Format.NORMALIZED, false, null, null, null);

    private final Ingest ingest;
    private final ContextResolver contexts;

    IotRoutes(Ingest ingest, ContextResolver contexts) {
        this.ingest = ingest;
        this.contexts = contexts;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/iot/services", this::createGroups, Access.MANAGE_DEVICES);
        routes.get("/iot/services", this::listGroups, Access.MANAGE_DEVICES);
        routes.get("/iot/services/{apikey}", this::retrieveGroup, Access.MANAGE_DEVICES);
        routes.delete("/iot/services/{apikey}", this::deleteGroup, Access.MANAGE_DEVICES);
        routes.post("/iot/devices", this::createDevices, Access.MANAGE_DEVICES);
        routes.get("/iot/devices", this::listDevices, Access.MANAGE_DEVICES);
        routes.get("/iot/devices/{deviceId}", this::retrieveDevice, Access.MANAGE_DEVICES);
        routes.delete("/iot/devices/{deviceId}", this::deleteDevice, Access.MANAGE_DEVICES);
        routes.get("/iot/rejections", this::rejections, Access.MANAGE_DEVICES);
        routes.post("/iot/json", this::measurement, Access.OWN_CREDENTIALS);
    }

    private void createGroups(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        JsonNode body = exchange.body(false);
        List<String> keys = ingest.provisioning().createGroups(exchange.caller(), body, exchange.context());
        http.status(201).contentType(MediaTypes.JSON).result(NODES.objectNode().set("apikeys", strings(keys)).toString());
    }

    private void listGroups(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        JsonLdContext context = exchange.context();
        ArrayNode services = NODES.arrayNode();
        ingest.provisioning().groups(exchange.caller()).forEach(group -> services.add(group(group, context)));
        respond(http, NODES.objectNode().put("count", services.size()).set("services", services));
    }

    private void retrieveGroup(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        respond(http, group(ingest.provisioning().group(exchange.caller(), http.pathParam("apikey")), exchange.context()));
    }

    private void deleteGroup(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        ingest.provisioning().deleteGroup(exchange.caller(), http.pathParam("apikey"));
        http.status(204);
    }

    private void createDevices(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        JsonNode body = exchange.body(false);
        List<String> created = ingest.provisioning().createDevices(exchange.caller(), body, exchange.context());
        http.status(201).contentType(MediaTypes.JSON).result(NODES.objectNode().set("devices", strings(created)).toString());
    }

    private void listDevices(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        int limit = Parameters.integer(http, "limit", 20, 1);
        if (limit > 1000) {
            throw new MeridianException(ErrorType.TOO_MANY_RESULTS, "limit may be at most 1000");
        }
        var page = ingest.provisioning().devices(exchange.caller(), limit, Parameters.integer(http, "offset", 0, 0));
        JsonLdContext context = exchange.context();
        ArrayNode devices = NODES.arrayNode();
        page.devices().forEach(device -> devices.add(device(device, context)));
        respond(http, NODES.objectNode().put("count", page.total()).set("devices", devices));
    }

    private void retrieveDevice(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        respond(http, device(ingest.provisioning().device(exchange.caller(), http.pathParam("deviceId")), exchange.context()));
    }

    private void deleteDevice(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        ingest.provisioning().deleteDevice(exchange.caller(), http.pathParam("deviceId"));
        http.status(204);
    }

    private void rejections(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        ArrayNode rejections = NODES.arrayNode();
        for (UnknownDevice unknown : ingest.provisioning().rejections(exchange.caller(),
                Math.min(1000, Parameters.integer(http, "limit", 100, 1)))) {
            rejections.addObject().put("apikey", Redaction.apiKey(unknown.apiKey())).put("device_id", unknown.deviceId())
                    .put("reason", unknown.reason()).put("count", unknown.count()).put("lastAt", unknown.lastAt().toString())
                    .put("detail", unknown.detail());
        }
        respond(http, NODES.objectNode().set("unknownDevices", rejections));
    }

    /**
     * POST /iot/json?k={apikey}&i={deviceId}: a JSON object of measurements. Answers once the measurement is stored
     * (200), or why it was not. The API key decides the tenant, as on MQTT.
     */
    private void measurement(Context http) {
        String apiKey = http.queryParam("k");
        String deviceId = http.queryParam("i");
        if (apiKey == null || deviceId == null) {
            throw MeridianException.badData("POST /iot/json needs ?k={apikey}&i={deviceId}");
        }
        authenticateDevice(http, apiKey, deviceId);
        IngestPipeline.Raw raw = new IngestPipeline.Raw("http", apiKey, deviceId, null, http.bodyAsBytes(), Instant.now());
        IngestPipeline.Outcome outcome;
        try {
            outcome = ingest.pipeline().submit(raw).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new MeridianException(IngestError.INGEST_OVERLOADED, "The measurement could not be stored now; send it again", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MeridianException(ErrorType.INTERNAL_ERROR, "Interrupted", e);
        }
        if (outcome instanceof IngestPipeline.Outcome.Rejected rejected) {
            throw switch (rejected.reason()) {
                case UNKNOWN_DEVICE -> new MeridianException(IngestError.UNKNOWN_DEVICE, rejected.detail());
                case TOO_LARGE -> new MeridianException(IngestError.MEASUREMENT_TOO_LARGE, rejected.detail());
                case OVERLOADED -> new MeridianException(IngestError.INGEST_OVERLOADED, rejected.detail());
                case MALFORMED, WRONG_TYPE, UNKNOWN_KEY, NOT_AUTHORIZED -> new MeridianException(IngestError.MEASUREMENT_REJECTED, rejected.detail());
            };
        }
        http.status(200);
    }

    /**
     * The sender's credentials, as on MQTT, in HTTP Basic: a device (its id and its password, or its group's API key
     * when it has none) sends for itself only; a gateway (the API key and the group's gateway secret) for its group.
     */
    private void authenticateDevice(Context http, String apiKey, String deviceId) {
        String authorization = http.header("Authorization");
        String[] credentials = null;
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6) && authorization.length() < 1024) {
            try {
                String decoded = new String(java.util.Base64.getDecoder().decode(authorization.substring(6).trim()),
                        java.nio.charset.StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                credentials = colon < 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
            } catch (IllegalArgumentException notBase64) {
                credentials = null;
            }
        }
        if (credentials != null && !credentials[0].equals(apiKey) && !credentials[0].equals(deviceId)) {
            throw new MeridianException(IngestError.NOT_YOUR_DEVICE, "Credentials of " + credentials[0]
                    + " may not send measurements for device " + deviceId + " of that API key");
        }
        Principal principal = credentials == null ? null
                : ingest.authenticateFor(apiKey, deviceId, credentials[0], credentials[1]).orElse(null);
        if (principal == null) {
            http.header("WWW-Authenticate", "Basic realm=\"meridian devices\"");
            throw new MeridianException(IngestError.DEVICE_NOT_AUTHENTICATED, "Send the device's credentials in HTTP Basic: "
                    + "its id and password (or its group's API key), or a gateway's API key and secret");
        }
    }

    private static void respond(Context http, JsonNode body) {
        http.status(200).contentType(MediaTypes.JSON).result(body.toString());
    }

    private static ObjectNode group(StoredGroup stored, JsonLdContext context) {
        var group = stored.group();
        ObjectNode out = NODES.objectNode();
        out.put("apikey", Redaction.apiKey(group.apiKey())).put("entity_type", context.compactIri(group.entityType()))
                .put("resource", "/iot/json").put("explicitAttrs", group.explicitAttributes())
                .put("gateway", stored.gatewaySecretHash() != null);
        out.set("attributes", mappings(group.attributes(), context));
        out.set("static_attributes", attributes(group.staticAttributes(), context));
        out.put("createdAt", stored.createdAt().toString()).put("modifiedAt", stored.modifiedAt().toString());
        return out;
    }

    private static ObjectNode device(StoredDevice stored, JsonLdContext context) {
        var device = stored.device();
        ObjectNode out = NODES.objectNode();
        out.put("device_id", device.deviceId()).put("apikey", Redaction.apiKey(device.apiKey())).put("entity_name", device.entityId())
                .put("entity_type", context.compactIri(device.entityType()));
        if (device.explicitAttributes() != null) {
            out.put("explicitAttrs", device.explicitAttributes());
        }
        out.put("ownPassword", stored.passwordHash() != null);
        out.set("attributes", mappings(device.attributes(), context));
        out.set("static_attributes", attributes(device.staticAttributes(), context));
        DeviceCounters counters = stored.counters();
        ObjectNode measurements = out.putObject("measurements");
        measurements.put("accepted", counters.accepted()).put("rejected", counters.rejected());
        putTime(measurements, "lastMeasurement", counters.lastMeasurement());
        putTime(measurements, "lastRejection", counters.lastRejection());
        if (counters.lastRejectionReason() != null) {
            measurements.put("lastRejectionReason", counters.lastRejectionReason()).put("lastRejectionDetail", counters.lastRejectionDetail());
        }
        out.put("createdAt", stored.createdAt().toString()).put("modifiedAt", stored.modifiedAt().toString());
        return out;
    }

    private static void putTime(ObjectNode out, String name, Instant time) {
        if (time != null) {
            out.put(name, time.toString());
        }
    }

    private static ArrayNode mappings(List<AttributeMapping> mappings, JsonLdContext context) {
        ArrayNode array = NODES.arrayNode();
        for (AttributeMapping mapping : mappings) {
            ObjectNode row = array.addObject().put("object_id", mapping.key()).put("name", context.compactIri(mapping.attribute()))
                    .put("type", mapping.type().wireName());
            if (mapping.unitCode() != null) {
                row.put("unitCode", mapping.unitCode());
            }
        }
        return array;
    }

    private static ObjectNode attributes(ObjectNode attributes, JsonLdContext context) {
        ObjectNode out = NODES.objectNode();
        attributes.properties().forEach(attribute -> out.set(context.compactIri(attribute.getKey()),
                EntityRenderer.renderAttribute(attribute.getValue(), context, NORMALIZED)));
        return out;
    }

    private static ArrayNode strings(List<String> values) {
        ArrayNode array = NODES.arrayNode();
        values.forEach(array::add);
        return array;
    }
}
