package org.meridian.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.meridian.broker.delivery.DeliveryChannels;
import org.meridian.broker.delivery.Notification;
import org.meridian.broker.store.ContextSourceStore;
import org.meridian.core.csource.StoredSource;
import org.meridian.core.csource.Registration;
import org.meridian.core.csource.RegistrationFilter;
import org.meridian.core.csource.RegistrationRenderer;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.ngsild.DateTimes;
import org.meridian.core.security.Redaction;
import org.meridian.core.subscription.Subscription;
import org.meridian.core.subscription.SubscriptionParser;
import org.meridian.platform.capability.Periodic;
import org.meridian.platform.db.Transactions;

/**
 * Notifications of subscriptions to context source registrations (clause 5.11.7, CsourceNotification 5.3.2): when a
 * registration is created, changed or deleted, each subscription it matched or matches now is told why
 * ({@code newlyMatching}, {@code updated}, {@code noLongerMatching}); a new subscription is told of the registrations
 * it matches at once; one with a {@code timeInterval} is told of them all on that schedule. Delivered by the same HTTP
 * and MQTT channels as entity notifications, but best effort and in memory: a registration change happens a few times
 * a day, not thousands of times a second, so these have no outbox. The values of a registration's
 * {@code contextSourceInfo} (credentials, as a rule) are masked in notifications: a subscriber is not an operator.
 */
public final class CsourceNotifier implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CsourceNotifier.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** A registration as stored (its body) and as read. */
    public record Version(Registration registration, ObjectNode body) {
    }

    private final Transactions transactions;
    private final ContextSourceStore subscriptions;
    private final ContextService contexts;
    private final int maxQueryTerms;
    private final Clock clock;
    private final DeliveryChannels channels;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Periodic ticks;
    private final Set<String> sending = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** @param current a tenant's registrations now, for periodic notifications */
    public CsourceNotifier(Transactions transactions, ContextSourceStore subscriptions, ContextService contexts, int maxQueryTerms,
                           Clock clock, DeliveryChannels channels, Function<String, List<Version>> current) {
        this.transactions = transactions;
        this.subscriptions = subscriptions;
        this.contexts = contexts;
        this.maxQueryTerms = maxQueryTerms;
        this.clock = clock;
        this.channels = channels;
        this.ticks = Periodic.every(Duration.ofSeconds(1), "meridian-csource-notifications", "periodic csource notifications",
                LOG, () -> tick(current));
    }

    /** A registration was created (before null), changed, or deleted (after null). */
    public void changed(String tenant, Version before, Version after) {
        threads.execute(() -> {
            try {
                for (StoredSource row : transactions.readOnly(connection -> subscriptions.list(connection, tenant, null, 10_000))) {
                    Subscription subscription = live(row);
                    if (subscription == null || subscription.isPeriodic()) {
                        continue;
                    }
                    RegistrationFilter.TimeFilter time = timeFilterOrNull(row);
                    boolean was = before != null && matches(subscription, time, before.registration());
                    boolean is = after != null && matches(subscription, time, after.registration());
                    if (was || is) {
                        send(tenant, row, subscription, List.of(is ? after : before), !was ? "newlyMatching" : is ? "updated" : "noLongerMatching");
                    }
                }
            } catch (RuntimeException e) {
                LOG.warn("csource notifications of tenant '{}' could not be sent: {}", tenant, e.toString());
            }
        });
    }

    /** A subscription was made: it is told of the registrations it matches now. */
    public void subscribed(String tenant, StoredSource row, List<Version> current) {
        threads.execute(() -> {
            Subscription subscription = live(row);
            if (subscription != null) {
                RegistrationFilter.TimeFilter time = timeFilterOrNull(row);
                List<Version> matching = current.stream().filter(version -> matches(subscription, time, version.registration())).toList();
                if (!matching.isEmpty()) {
                    send(tenant, row, subscription, matching, "newlyMatching");
                }
            }
        });
    }

    private void tick(Function<String, List<Version>> current) {
        Instant now = clock.instant();
        for (Map.Entry<String, StoredSource> entry : transactions.readOnly(subscriptions::periodic)) {
            StoredSource row = entry.getValue();
            Subscription subscription = live(row);
            if (subscription == null || !subscription.isPeriodic()) {
                continue;
            }
            Instant last = DateTimes.instantOrNull(row.body().path("notification").path("lastNotification").asText(null));
            if (last != null && last.plusMillis((long) (subscription.timeIntervalSeconds() * 1000)).isAfter(now)) {
                continue;
            }
            RegistrationFilter.TimeFilter time = timeFilterOrNull(row);
            List<Version> matching = current.apply(entry.getKey()).stream()
                    .filter(version -> matches(subscription, time, version.registration())).toList();
            // Sent apart: a receiver that hangs until the timeout holds up no other subscription (nor is sent twice).
            if (sending.add(row.id())) {
                threads.execute(() -> {
                    try {
                        send(entry.getKey(), row, subscription, matching, "newlyMatching");
                    } finally {
                        sending.remove(row.id());
                    }
                });
            }
        }
    }

    /** The subscription when it is active and not expired, else null (also when it cannot be read any more). */
    private Subscription live(StoredSource row) {
        if (!row.active() || row.expiresAt() != null && !row.expiresAt().isAfter(clock.instant())) {
            return null;
        }
        try {
            return SubscriptionParser.parse(row.id(), withoutTemporalQ((ObjectNode) row.body()), contexts.resolve(row.context()),
                    maxQueryTerms, DateTimes.EARLIEST);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * The subscription without its temporalQ, which a subscription to registrations may have (on their observation or
     * management interval) and an entity subscription may not: checked apart, by {@link #timeFilter}.
     */
    static ObjectNode withoutTemporalQ(ObjectNode body) {
        if (!body.has("temporalQ")) {
            return body;
        }
        ObjectNode copy = body.deepCopy();
        copy.remove("temporalQ");
        return copy;
    }

    /**
     * A subscription's temporalQ (clause 5.2.21) as a filter on registrations: observedAt asks their observation
     * interval, createdAt and modifiedAt their management interval; null when it has none.
     */
    static RegistrationFilter.TimeFilter timeFilter(JsonNode temporalQ) {
        if (temporalQ == null || temporalQ.isNull()) {
            return null;
        }
        if (!temporalQ.isObject()) {
            throw org.meridian.core.error.MeridianException.badData("temporalQ is an object with timerel, timeAt, endTimeAt, timeproperty");
        }
        String timerel = temporalQ.path("timerel").asText("");
        if (!Set.of("before", "after", "between").contains(timerel)) {
            throw org.meridian.core.error.MeridianException.badData("temporalQ.timerel is before, after or between");
        }
        Instant at = DateTimes.parse(temporalQ.path("timeAt").asText(""), "temporalQ.timeAt");
        Instant endAt = timerel.equals("between") ? DateTimes.parse(temporalQ.path("endTimeAt").asText(""), "temporalQ.endTimeAt") : null;
        String property = temporalQ.path("timeproperty").asText("observedAt");
        if (!Set.of("observedAt", "createdAt", "modifiedAt").contains(property)) {
            throw org.meridian.core.error.MeridianException.badData("temporalQ.timeproperty is observedAt, createdAt or modifiedAt");
        }
        return new RegistrationFilter.TimeFilter(timerel, at, endAt, !property.equals("observedAt"));
    }

    private static RegistrationFilter.TimeFilter timeFilterOrNull(StoredSource row) {
        try {
            return timeFilter(row.body().get("temporalQ"));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Whether a registration offers what the subscription watches: its entities, attributes, q and area. */
    static boolean matches(Subscription subscription, RegistrationFilter.TimeFilter time, Registration registration) {
        return (time == null || new RegistrationFilter(null, null, null, null, null, null, null, time).matches(registration))
                && matches(subscription, registration);
    }

    static boolean matches(Subscription subscription, Registration registration) {
        Set<String> watched = subscription.watchedAttributes() == null || subscription.watchedAttributes().isEmpty()
                ? null : subscription.watchedAttributes();
        if (subscription.geoQuery() != null && (registration.location() == null || !subscription.geoQuery().matches(registration.location()))) {
            return false;
        }
        if (subscription.entities().isEmpty()) {
            return new RegistrationFilter(null, null, null, watched, subscription.query(), null, null, null).matches(registration);
        }
        return subscription.entities().stream().anyMatch(selector -> new RegistrationFilter(Set.of(selector.type()),
                selector.id() == null ? null : Set.of(selector.id()), selector.idPattern(), watched, subscription.query(), null, null, null)
                .matches(registration));
    }

    private void send(String tenant, StoredSource row, Subscription subscription, List<Version> registrations, String reason) {
        JsonLdContext shownWith = contexts.resolve(row.context());
        JsonNode presented = Notification.presentedContext(row.body(), row.context());
        Instant now = clock.instant();
        ObjectNode payload = NODES.objectNode();
        payload.put("id", "urn:ngsi-ld:Notification:" + UUID.randomUUID());
        payload.put("type", "ContextSourceNotification");
        payload.put("subscriptionId", row.id());
        payload.put("notifiedAt", now.toString());
        ArrayNode data = payload.putArray("data");
        RegistrationFilter.TimeFilter time = timeFilterOrNull(row);
        for (Version version : registrations) {
            ObjectNode rendered = masked(RegistrationRenderer.render(version.body(), version.registration(), shownWith));
            if (!reason.equals("noLongerMatching")) {
                relevantOnly(rendered, version.registration(), subscription, time);
            }
            data.add(rendered);
        }
        payload.put("triggerReason", reason);
        if (subscription.endpoint().accept().equals("application/ld+json") && presented != null) {
            payload.set("@context", presented);
        }
        boolean delivered;
        try {
            delivered = channels.push(new Notification(subscription.endpoint(), tenant, presented, payload.toString()));
        } catch (RuntimeException e) {
            delivered = false;
        }
        record(tenant, row.id(), delivered, now);
    }

    /**
     * Keeps of a registration's information the RegistrationInfo elements the subscription matches (clause 5.11.7:
     * what is relevant to it, rather than the whole registration).
     */
    private static void relevantOnly(ObjectNode rendered, Registration registration, Subscription subscription,
                                     RegistrationFilter.TimeFilter time) {
        if (!(rendered.get("information") instanceof ArrayNode information) || information.size() != registration.information().size()) {
            return;
        }
        ArrayNode kept = NODES.arrayNode();
        for (int i = 0; i < information.size(); i++) {
            Registration.Info info = registration.information().get(i);
            Registration one = new Registration(registration.id(), List.of(info), registration.endpoint(), registration.mode(),
                    registration.operations(), registration.location(), registration.observationInterval(),
                    registration.managementInterval(), registration.expiresAt(), registration.properties(), registration.tenant(),
                    registration.management(), registration.contextSourceInfo(), registration.name());
            if (matches(subscription, time, one)) {
                kept.add(information.get(i));
            }
        }
        if (!kept.isEmpty()) {
            rendered.set("information", kept);
        }
    }

    private static ObjectNode masked(ObjectNode registration) {
        if (registration.get("contextSourceInfo") instanceof ArrayNode pairs) {
            pairs.forEach(pair -> {
                if (pair instanceof ObjectNode object) {
                    object.put("value", Redaction.MASK);
                }
            });
        }
        if (registration.get("endpoint") instanceof com.fasterxml.jackson.databind.node.TextNode endpoint) {
            registration.put("endpoint", Redaction.url(endpoint.asText()));
        }
        return registration;
    }

    /** What the subscription shows of its notifications (NotificationParams, clause 5.2.14): counts, times, status. */
    private void record(String tenant, String id, boolean delivered, Instant at) {
        try {
            transactions.inTransaction(connection -> {
                subscriptions.recordNotification(connection, tenant, id, delivered, at);
                return null;
            });
        } catch (RuntimeException e) {
            LOG.warn("the state of csource subscription {} could not be kept: {}", id, e.toString());
        }
    }

    @Override
    public void close() {
        ticks.close();
        threads.shutdownNow();
        channels.close();
    }
}
