package org.meridian.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.meridian.broker.store.SubscriptionStore;
import org.meridian.core.error.MeridianException;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.ngsild.EntityParser;
import org.meridian.core.security.Caller;
import org.meridian.core.subscription.StoredSubscription;
import org.meridian.core.subscription.Subscription;
import org.meridian.core.subscription.SubscriptionParser;
import org.meridian.platform.db.TenantStore;
import org.meridian.platform.db.Transactions;

/**
 * Subscriptions (clause 5.8): checked with the caller's context and stored as sent, with that context, so that
 * matching and notifications use the caller's terms.
 */
public final class SubscriptionService {
    private final Transactions transactions;
    private final SubscriptionStore store;
    private final TenantStore tenants;
    private final int maxQueryTerms;
    private final Clock clock;

    public SubscriptionService(Transactions transactions, SubscriptionStore store, TenantStore tenants, int maxQueryTerms,
                               Clock clock) {
        this.transactions = transactions;
        this.store = store;
        this.tenants = tenants;
        this.maxQueryTerms = maxQueryTerms;
        this.clock = clock;
    }

    public String create(Caller caller, JsonNode body, JsonNode contextValue, JsonLdContext context) {
        String tenant = caller.tenant();
        Instant now = clock.instant();
        String id = body.hasNonNull("id") ? EntityParser.requireUri(body.get("id").asText(), "The subscription id")
                : "urn:ngsi-ld:Subscription:" + UUID.randomUUID();
        Subscription subscription = SubscriptionParser.parse(id, body, context, maxQueryTerms, now);
        ObjectNode stored = ((ObjectNode) body.deepCopy()).put("id", id);
        boolean inserted = transactions.inTransaction(connection -> {
            tenants.ensure(connection, tenant);
            return store.insert(connection, tenant, id, stored, contextValue, subscription.active(),
                    subscription.expiresAt(), now, caller);
        });
        if (!inserted) {
            throw new MeridianException(BrokerError.SUBSCRIPTION_EXISTS, "The subscription " + id + " already exists");
        }
        return id;
    }

    public StoredSubscription retrieve(Caller caller, String id) {
        String tenant = caller.tenant();
        return transactions.readOnly(connection -> {
            tenants.require(connection, tenant);
            return owned(caller, store.find(connection, tenant, id), id);
        });
    }

    /**
     * The subscription, if the caller may see it: its owner, or an operator (or the platform). Another's is as absent
     * as one that does not exist: its endpoint and query are the owner's business.
     */
    static StoredSubscription owned(Caller caller, java.util.Optional<StoredSubscription> row, String id) {
        return row.filter(found -> caller.unrestricted() || found.owner().subject().equals(caller.subject()))
                .orElseThrow(() -> new MeridianException(BrokerError.SUBSCRIPTION_NOT_FOUND, "No subscription " + id));
    }

    public List<StoredSubscription> list(Caller caller, int limit, int offset) {
        String tenant = caller.tenant();
        return transactions.readOnly(connection -> {
            tenants.require(connection, tenant);
            return store.list(connection, tenant, caller.unrestricted() ? null : caller.subject(), limit, offset);
        });
    }

    /** Members given replace those stored; the result is checked whole, and a failed subscription resumes. */
    public void update(Caller caller, String id, JsonNode patch, JsonLdContext context) {
        String tenant = caller.tenant();
        if (!patch.isObject()) {
            throw MeridianException.badData("A subscription update must be a JSON object");
        }
        if (patch.hasNonNull("id") && !id.equals(patch.get("id").asText())) {
            throw MeridianException.badData("The id in the body differs from the id in the URL");
        }
        Instant now = clock.instant();
        transactions.inTransaction(connection -> {
            tenants.require(connection, tenant);
            StoredSubscription row = owned(caller, store.find(connection, tenant, id), id);
            ObjectNode merged = ((ObjectNode) row.body().deepCopy());
            merged.setAll((ObjectNode) patch);
            merged.put("id", id);
            merged.put("type", "Subscription");
            Subscription subscription = SubscriptionParser.parse(id, merged, context, maxQueryTerms, now);
            store.update(connection, tenant, id, merged, subscription.active(), subscription.expiresAt(), now);
            return null;
        });
    }

    public void delete(Caller caller, String id) {
        String tenant = caller.tenant();
        boolean deleted = transactions.inTransaction(connection -> {
            tenants.require(connection, tenant);
            owned(caller, store.find(connection, tenant, id), id);
            return store.delete(connection, tenant, id);
        });
        if (!deleted) {
            throw new MeridianException(BrokerError.SUBSCRIPTION_NOT_FOUND, "No subscription " + id);
        }
    }
}
