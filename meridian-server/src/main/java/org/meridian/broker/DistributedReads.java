package org.meridian.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;
import org.meridian.core.csource.Registration;
import org.meridian.core.csource.RegistrationFilter;
import org.meridian.core.security.Caller;

/**
 * Retrieving an entity that registered context sources also hold (clause 5.7.1 with 4.3.6): the local entity merged
 * with what the sources answer. A request that comes back through this node (its alias in {@code Via}) is answered
 * locally: loops end here.
 */
public final class DistributedReads {
    private final ContextSourceService sources;
    private final Forwarder forwarder;
    private final SourceIdentity identity;

    public DistributedReads(ContextSourceService sources, Forwarder forwarder, SourceIdentity identity) {
        this.sources = sources;
        this.forwarder = forwarder;
        this.identity = identity;
    }

    /**
     * The merged entity (null when neither this broker nor a source has it) and what could not be asked.
     *
     * @param failures one line per source that failed (timed out, unreachable, malformed, resting after a failure)
     */
    public record Merged(ObjectNode entity, List<String> failures) {
    }

    /**
     * @param local the entity as this broker renders it for the request, or null when it does not hold it
     * @param type the expanded type the request names, or null
     * @param query the request's query string (forwarded as it is), or null
     * @return null when no source is registered for the entity: the local answer stands
     */
    public Merged retrieve(Caller caller, String entityId, String type, ObjectNode local, String query, String linkHeader,
                           String via) {
        String alias = identity.alias(caller.tenant());
        if (via != null && via.contains(alias)) {
            return null;
        }
        RegistrationFilter filter = new RegistrationFilter(type == null ? null : Set.of(type), Set.of(entityId), null, null,
                null, null, null, null);
        List<Registration> registered = sources.sourcesFor(caller, "retrieveEntity", filter);
        if (registered.isEmpty()) {
            return null;
        }
        // An id is a URI (checked): encoded for a path segment, its colons kept, as every NGSI-LD id has them and simple
        // sources match paths literally.
        String path = "/entities/" + java.net.URLEncoder.encode(entityId, java.nio.charset.StandardCharsets.UTF_8).replace("%3A", ":")
                + (query == null || query.isEmpty() ? "" : "?" + query);
        String viaOut = (via == null || via.isBlank() ? "" : via + ", ") + "1.1 " + alias;
        Forwarder.Answers answers = forwarder.read(registered, new Forwarder.Read(path, caller.tenant(), linkHeader, viaOut));
        ObjectNode merged = local == null ? JsonNodeFactory.instance.objectNode() : local.deepCopy();
        for (JsonNode body : answers.bodies()) {
            Forwarder.merge(merged, body);
        }
        return new Merged(merged.has("id") ? merged : null, answers.failures());
    }
}
