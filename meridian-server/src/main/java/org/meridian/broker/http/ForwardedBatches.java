package org.meridian.broker.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.meridian.broker.BatchResult;
import org.meridian.broker.DistributedWrites;
import org.meridian.broker.Forwarder;
import org.meridian.core.csource.Registration;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.platform.http.MediaTypes;
import org.meridian.platform.http.NgsiLdExchange;
import org.meridian.platform.http.ProblemDetails;

/**
 * Batch operations that context sources take part in (clause 4.3.6.3 with 5.6.7–5.6.10): each entity of the batch
 * split as a single write would be, one request per source carrying every entity (or part of one) it takes, and one
 * local batch of what is left here. The answer is the operation's own when every part succeeded, else 207 with one
 * BatchOperationResult: the entities that went through everywhere, and an error for each part that did not.
 */
final class ForwardedBatches {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final DistributedWrites writes;

    ForwardedBatches(DistributedWrites writes) {
        this.writes = writes;
    }

    /** A batch split: each source with the entities it is sent, and the batch left to this broker. */
    record Plan(Map<Registration, ArrayNode> remote, ArrayNode local, List<String> ids) {
    }

    /**
     * How the batch of entities splits, or null when no source takes part ({@code local=true}, no registration): the
     * caller runs it as usual; a batch that comes back through this node is refused (508). Elements that are not entities with an id are left to this
     * broker, which refuses them as it always does.
     */
    Plan plan(NgsiLdExchange exchange, String operation, ArrayNode batch, Function<JsonNode, JsonLdContext> contextOf) {
        if (!ForwardedWrites.mayForward(exchange, writes)) {
            return null;
        }
        Map<Registration, ArrayNode> remote = new LinkedHashMap<>();
        ArrayNode local = NODES.arrayNode();
        List<String> ids = new ArrayList<>();
        for (JsonNode element : batch) {
            if (!(element instanceof ObjectNode entity) || !entity.path("id").isTextual() || !entity.path("type").isTextual()) {
                local.add(element);
                continue;
            }
            ObjectNode original = entity.deepCopy();
            JsonLdContext context;
            try {
                context = contextOf.apply(entity.deepCopy());
            } catch (org.meridian.core.error.MeridianException e) {
                local.add(element); // its @context cannot be read: refused here, as without sources
                continue;
            }
            String id = entity.path("id").asText();
            ids.add(id);
            Set<String> attributes = DistributedWrites.attributesOf(original);
            String type = context.expandTerm(entity.path("type").asText());
            DistributedWrites.Split split;
            try {
                split = writes.split(exchange.caller(), operation, id, () -> type, attributes, context::expandTerm);
            } catch (org.meridian.core.error.MeridianException refused) {
                local.add(original); // not the caller's to write: refused here, for this entity alone, and sent nowhere
                continue;
            }
            for (DistributedWrites.Share share : split.shares()) {
                remote.computeIfAbsent(share.source(), source -> NODES.arrayNode()).add(ForwardedWrites.body(exchange, original, share));
            }
            if (split.local()) {
                local.add(split.localAttributes().equals(attributes) ? original : DistributedWrites.only(original, split.localAttributes()));
            }
        }
        return remote.isEmpty() ? null : new Plan(remote, local, ids);
    }

    /** How a batch of ids to delete splits, or null when no source takes part. */
    Plan planDelete(NgsiLdExchange exchange, ArrayNode ids, Function<String, String> localType) {
        if (!ForwardedWrites.mayForward(exchange, writes)) {
            return null;
        }
        Map<Registration, ArrayNode> remote = new LinkedHashMap<>();
        ArrayNode local = NODES.arrayNode();
        List<String> all = new ArrayList<>();
        for (JsonNode element : ids) {
            if (!element.isTextual()) {
                local.add(element);
                continue;
            }
            String id = element.asText();
            all.add(id);
            DistributedWrites.Split split;
            try {
                split = writes.split(exchange.caller(), "deleteBatch", id, () -> localType.apply(id), Set.of(),
                        exchange.context()::expandTerm);
            } catch (org.meridian.core.error.MeridianException refused) {
                local.add(element);
                continue;
            }
            split.shares().forEach(share -> remote.computeIfAbsent(share.source(), source -> NODES.arrayNode()).add(id));
            if (split.local()) {
                local.add(element);
            }
        }
        return remote.isEmpty() ? null : new Plan(remote, local, all);
    }

    /**
     * Runs the plan: the local batch (when there is one) and each source's, then answers — {@code success} with
     * {@code successBody} (null: none) when every part succeeded, else 207.
     */
    void run(NgsiLdExchange exchange, String path, Plan plan, Function<ArrayNode, BatchResult> local, int success,
             Function<List<String>, JsonNode> successBody) {
        Map<String, List<JsonNode>> errors = new LinkedHashMap<>();
        if (!plan.local().isEmpty()) {
            BatchResult result = local.apply(plan.local());
            for (BatchResult.Failure failure : result.failed()) {
                errors.computeIfAbsent(failure.entityId(), id -> new ArrayList<>()).add(NODES.objectNode().put("entityId", failure.entityId())
                        .set("error", ProblemDetails.of(failure.error())));
            }
        }
        String via = writes.via(exchange.caller(), exchange.http().header("Via"));
        String query = ForwardedWrites.query(exchange);
        List<Registration> sources = new ArrayList<>(plan.remote().keySet());
        List<Forwarder.Outcome> outcomes = writes.forwarder().write(sources, source -> new Forwarder.Write("POST", path + query,
                exchange.tenant(), ForwardedWrites.link(exchange), via, plan.remote().get(source)));
        for (Forwarder.Outcome outcome : outcomes) {
            if (outcome.succeeded() && outcome.status() != 207) {
                continue;
            }
            JsonNode problem = ForwardedWrites.sourceProblem(outcome);
            // A source's own BatchOperationResult says which of the entities it was sent failed there; without one, all did.
            Set<String> failedThere = new java.util.HashSet<>();
            if (outcome.status() == 207 && outcome.problem() != null) {
                outcome.problem().path("errors").forEach(error -> failedThere.add(error.path("entityId").asText()));
            }
            for (JsonNode sent : plan.remote().get(outcome.source())) {
                String id = sent.isTextual() ? sent.asText() : sent.path("id").asText();
                if (!failedThere.isEmpty() && !failedThere.contains(id)) {
                    continue;
                }
                ObjectNode error = NODES.objectNode().put("entityId", id).put("registrationId", outcome.source().id());
                error.set("error", problem);
                errors.computeIfAbsent(id, key -> new ArrayList<>()).add(error);
            }
        }
        if (errors.isEmpty()) {
            JsonNode body = successBody.apply(plan.ids());
            if (body == null) {
                exchange.http().status(success);
            } else {
                exchange.http().status(success).contentType(MediaTypes.JSON).result(body.toString());
            }
            return;
        }
        ObjectNode result = NODES.objectNode();
        ArrayNode succeeded = result.putArray("success");
        Set<String> failed = new LinkedHashSet<>(errors.keySet());
        plan.ids().stream().filter(id -> !failed.contains(id)).distinct().forEach(succeeded::add);
        ArrayNode all = result.putArray("errors");
        errors.values().forEach(all::addAll);
        exchange.respond(207, result, MediaTypes.JSON);
    }
}
