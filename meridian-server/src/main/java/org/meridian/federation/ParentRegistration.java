package org.meridian.federation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.meridian.core.ngsild.TypeSummary;
import org.meridian.core.json.Json;

/**
 * This node as a context source of its parent (clause 5.9 with 4.3.6): a registration naming the types it holds and
 * their attributes, its boundary as the location, and the key through which the parent reads, created at the parent
 * and renewed every refresh, so it follows the data and expires when the node is gone for good. A node offline for a
 * while stays registered: the parent then answers without it and says so.
 */
public final class ParentRegistration {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ParentRegistration.class);
    /** Most names one registration carries (the parent's limit is 1,000 entities and names together). */
    static final int MAX_NAMES = 900;
    /** How the registrations of child nodes begin (the rest is the child's source identity). */
    static final String ID_PREFIX = "urn:ngsi-ld:ContextSourceRegistration:meridian:node:";
    private static final String RELATIONSHIP = "Relationship";
    private static final String LIST_RELATIONSHIP = "ListRelationship";

    private final FederationSettings settings;
    private final String registrationId;
    private final JsonNode boundary;
    private final Clock clock;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();
    private volatile String lastProblem = "";

    /**
     * @param alias this node's source identity ({@code urn:meridian:node:<uuid>}): the registration's id follows it,
     *              so a restarted node renews its registration rather than adding another
     */
    public ParentRegistration(FederationSettings settings, String alias, JsonNode boundary, Clock clock) {
        this.settings = settings;
        this.registrationId = "urn:ngsi-ld:ContextSourceRegistration:" + alias.substring("urn:".length());
        assert registrationId.startsWith(ID_PREFIX);
        this.boundary = boundary;
        this.clock = clock;
    }

    public String registrationId() {
        return registrationId;
    }

    /** The registration of what the node holds now, as the parent receives it. */
    ObjectNode body(String endpoint, List<TypeSummary> types, String readerKey) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        ObjectNode body = nodes.objectNode();
        body.put("id", registrationId);
        body.put("type", "ContextSourceRegistration");
        body.put("registrationName", settings.name());
        body.put("description", "Meridian " + settings.level() + " node " + settings.name());
        body.set("information", information(types));
        body.put("endpoint", endpoint.replaceAll("/+$", "") + "/ngsi-ld/v1");
        body.put("mode", "inclusive");
        body.putArray("operations").add("federationOps");
        if (boundary != null) {
            body.set("location", boundary);
        }
        body.put("expiresAt", clock.instant().plusSeconds(5L * settings.refreshSeconds()).toString());
        if (readerKey != null) {
            body.putArray("contextSourceInfo").addObject().put("key", "X-Api-Key").put("value", readerKey);
        }
        body.put("level", settings.level());
        return body;
    }

    /** One RegistrationInfo per type with its attributes; only the types when the names would be too many. */
    private static ArrayNode information(List<TypeSummary> types) {
        ArrayNode information = JsonNodeFactory.instance.arrayNode();
        int names = types.stream().mapToInt(type -> 1 + type.attributeTypes().size()).sum();
        if (names > MAX_NAMES) {
            ArrayNode entities = information.addObject().putArray("entities");
            types.stream().limit(MAX_NAMES).forEach(type -> entities.addObject().put("type", type.type()));
            return information;
        }
        for (TypeSummary type : types) {
            ObjectNode info = information.addObject();
            info.putArray("entities").addObject().put("type", type.type());
            Set<String> properties = new TreeSet<>();
            Set<String> relationships = new TreeSet<>();
            for (Map.Entry<String, Set<String>> attribute : type.attributeTypes().entrySet()) {
                boolean relationship = attribute.getValue().contains(RELATIONSHIP) || attribute.getValue().contains(LIST_RELATIONSHIP);
                (relationship ? relationships : properties).add(attribute.getKey());
            }
            if (!properties.isEmpty()) {
                properties.forEach(info.putArray("propertyNames")::add);
            }
            if (!relationships.isEmpty()) {
                relationships.forEach(info.putArray("relationshipNames")::add);
            }
        }
        return information;
    }

    /**
     * Creates or renews the registration at the parent.
     *
     * @param readerKey the API key through which the parent reads this node, or null
     * @return null when the parent holds it now, else why not
     */
    public String renew(String endpoint, List<TypeSummary> types, String readerKey) {
        if (types.isEmpty()) {
            return report("this node holds no entities yet: nothing to register");
        }
        ObjectNode body = body(endpoint, types, readerKey);
        String base = settings.parent().replaceAll("/+$", "") + "/ngsi-ld/v1/csourceRegistrations";
        try {
            HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create(base))
                    .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))));
            if (created.statusCode() == 201) {
                return report(null);
            }
            if (created.statusCode() != 409) {
                return report("the parent refused the registration: " + created.statusCode() + " " + detail(created));
            }
            body.remove("id");
            body.remove("type");
            HttpResponse<String> renewed = send(HttpRequest.newBuilder(URI.create(base + "/" + registrationId))
                    .method("PATCH", HttpRequest.BodyPublishers.ofString(Json.write(body))));
            if (renewed.statusCode() == 403) {
                // The id is this node's, yet the registration is another client's: someone took it over (or registered
                // it first after an operator deleted ours). Only an operator of the parent can settle that.
                return report("the registration " + registrationId + " at the parent belongs to another client; an operator of the"
                        + " parent must delete it before this node can register again");
            }
            return report(renewed.statusCode() == 204 ? null
                    : "the parent refused the renewal: " + renewed.statusCode() + " " + detail(renewed));
        } catch (IOException e) {
            return report("the parent " + settings.parent() + " is unreachable (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return report("interrupted");
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .header("X-Api-Key", settings.parentKey()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String detail(HttpResponse<String> response) {
        JsonNode problem = Json.parseBytes(response.body().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return problem == null ? "" : problem.path("detail").asText(problem.path("title").asText(""));
    }

    /** Logs a change of state once (a parent down for an hour is one line, not sixty), and returns the problem. */
    private String report(String problem) {
        String now = problem == null ? "" : problem;
        if (!now.equals(lastProblem)) {
            if (problem == null) {
                LOG.info("registered with the parent {} as {}", settings.parent(), registrationId);
            } else {
                LOG.warn("not registered with the parent {}: {}", settings.parent(), problem);
            }
            lastProblem = now;
        }
        return problem;
    }
}
