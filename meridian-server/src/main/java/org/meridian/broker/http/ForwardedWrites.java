package org.meridian.broker.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;
import org.meridian.broker.DistributedWrites;
import org.meridian.broker.Forwarder;
import org.meridian.core.error.ErrorType;
import org.meridian.core.error.MeridianException;
import org.meridian.platform.http.MediaTypes;
import org.meridian.platform.http.NgsiLdExchange;
import org.meridian.platform.http.Parameters;
import org.meridian.platform.http.ProblemDetails;

/**
 * The HTTP side of writes that context sources take part in ({@link DistributedWrites}): which sources take the
 * write and what each is sent, this broker's own part, and one answer for all — the operation's own success when every
 * part succeeded, else 207 with a BatchOperationResult whose errors name each failed part (clause 4.3.6.3): this
 * broker's (no registrationId) and each source's, with the status it answered.
 */
final class ForwardedWrites {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final DistributedWrites writes;

    ForwardedWrites(DistributedWrites writes) {
        this.writes = writes;
    }

    /** This broker's part of a write, given the attributes left to it; false when it was only partly done (207). */
    @FunctionalInterface
    interface LocalPart {
        boolean write(Set<String> attributes);
    }

    /** What a source is sent, given its share: method, path and query below /ngsi-ld/v1, and body (or null). */
    @FunctionalInterface
    interface RemotePart {
        Forwarder.Write write(DistributedWrites.Share share, String via);
    }

    /**
     * Whether sources take part in this write: not when the request asks {@code local=true} or no source is registered
     * for it; a write that comes back through this node is refused.
     */
    DistributedWrites.Split split(NgsiLdExchange exchange, String operation, String entityId, java.util.function.Supplier<String> type,
                                  Set<String> attributes) {
        if (!mayForward(exchange, writes)) {
            return null;
        }
        DistributedWrites.Split split = writes.split(exchange.caller(), operation, entityId, type, attributes,
                exchange.context()::expandTerm);
        return split.distributed() ? split : null;
    }

    /** Whether sources take part in a purge of the type (expanded). */
    DistributedWrites.Split splitPurge(NgsiLdExchange exchange, String type) {
        if (!mayForward(exchange, writes)) {
            return null;
        }
        DistributedWrites.Split split = writes.splitPurge(exchange.caller(), type);
        return split.distributed() ? split : null;
    }

    /**
     * Whether sources may take part in the write at all: not with {@code local=true}. A write that comes back through
     * this broker (its alias in {@code Via}) is refused, 508 (clause 6.3.18): the broker up the chain is doing it
     * already, and doing it again here would write it twice.
     */
    static boolean mayForward(NgsiLdExchange exchange, DistributedWrites writes) {
        if (writes == null || Parameters.flag(exchange.http(), "local")) {
            return false;
        }
        if (writes.looped(exchange.caller(), exchange.http().header("Via"))) {
            throw new MeridianException(ErrorType.LOOP_DETECTED, "This write came back through this broker"
                    + " (its Via names it): a loop of context source registrations");
        }
        return true;
    }

    /**
     * Does the write: this broker's part (when any is left to it), each source's, and answers: {@code success} when all
     * succeeded, else 207 listing what failed.
     */
    void run(NgsiLdExchange exchange, String entityId, DistributedWrites.Split split, LocalPart local, RemotePart remote, int success) {
        ArrayNode errors = NODES.arrayNode();
        if (split.local()) {
            try {
                if (!local.write(split.localAttributes())) {
                    errors.addObject().put("entityId", entityId).set("error", problem(207, "Partly written here",
                            "Some attributes were not written here"));
                }
            } catch (MeridianException e) {
                errors.addObject().put("entityId", entityId).set("error", ProblemDetails.of(e));
            }
        }
        String via = writes.via(exchange.caller(), exchange.http().header("Via"));
        List<Forwarder.Outcome> outcomes = writes.send(split, share -> remote.write(share, via));
        for (Forwarder.Outcome outcome : outcomes) {
            if (outcome.succeeded() && outcome.status() != 207) {
                continue;
            }
            ObjectNode error = errors.addObject().put("entityId", entityId).put("registrationId", outcome.source().id());
            error.set("error", sourceProblem(outcome));
        }
        if (errors.isEmpty()) {
            exchange.http().status(success);
            return;
        }
        // The entity was not written everywhere it was to be: it is in errors, once per failed part, not in success.
        ObjectNode result = NODES.objectNode();
        result.putArray("success");
        result.set("errors", errors);
        exchange.respond(207, result, MediaTypes.JSON);
    }

    /** What a source's failed part says: its own ProblemDetails when it sent one, else one made of its status. */
    static JsonNode sourceProblem(Forwarder.Outcome outcome) {
        if (outcome.failure() != null) {
            return problem(504, "The context source did not answer", outcome.source().label() + ": " + outcome.failure());
        }
        JsonNode problem = outcome.problem();
        if (problem != null && problem.path("status").isInt()) {
            return problem;
        }
        ObjectNode made = problem(outcome.status(), "The context source answered " + outcome.status(), outcome.source().label());
        if (problem != null && problem.path("title").isTextual()) {
            made.put("title", problem.path("title").asText());
        }
        return made;
    }

    private static ObjectNode problem(int status, String title, String detail) {
        ErrorType type = switch (status) {
            case 400 -> ErrorType.BAD_REQUEST_DATA;
            case 404 -> ErrorType.RESOURCE_NOT_FOUND;
            case 409 -> ErrorType.ALREADY_EXISTS;
            default -> ErrorType.INTERNAL_ERROR;
        };
        ObjectNode problem = NODES.objectNode();
        problem.put("type", ProblemDetails.typeUri(type)).put("title", title).put("status", status).put("detail", detail);
        return problem;
    }

    /**
     * The body a source receives: the attributes of its share (all when it takes the whole entity), in the request's
     * terms — with the request's @context inside when it came as JSON-LD.
     */
    static ObjectNode body(NgsiLdExchange exchange, ObjectNode whole, DistributedWrites.Share share) {
        return withContext(exchange, share.whole() ? whole.deepCopy() : DistributedWrites.only(whole, share.attributes()));
    }

    /**
     * The (copied) body with the request's @context inside when the request came as JSON-LD and the body has none of
     * its own; a request with a Link header keeps its @context there (the source receives the same header).
     */
    static <T extends JsonNode> T withContext(NgsiLdExchange exchange, T body) {
        if (body instanceof ObjectNode object && !object.has("@context") && link(exchange) == null && exchange.contextValue() != null) {
            object.set("@context", exchange.contextValue());
        }
        return body;
    }

    /** The body with only the attributes left to this broker (the body itself when it keeps them all). */
    static JsonNode narrowed(JsonNode body, Set<String> attributes) {
        if (!(body instanceof ObjectNode object) || DistributedWrites.attributesOf(body).equals(attributes)) {
            return body;
        }
        return DistributedWrites.only(object, attributes);
    }

    /** The Link header a source receives: the request's, when its @context came in one. */
    static String link(NgsiLdExchange exchange) {
        return exchange.http().header("Link");
    }

    /** The request's query string as sent, without {@code local} (a source is asked as this broker was): "?…" or "". */
    static String query(NgsiLdExchange exchange) {
        String query = exchange.http().queryString();
        if (query == null || query.isEmpty()) {
            return "";
        }
        String kept = java.util.Arrays.stream(query.split("&")).filter(part -> !part.equals("local") && !part.startsWith("local="))
                .collect(java.util.stream.Collectors.joining("&"));
        return kept.isEmpty() ? "" : "?" + kept;
    }
}
