package org.meridian.broker;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.meridian.broker.store.DiscoveryStore;
import org.meridian.core.ngsild.AttributeSummary;
import org.meridian.core.ngsild.TypeProfile;
import org.meridian.core.ngsild.TypeSummary;
import org.meridian.core.security.Caller;
import org.meridian.core.security.ReadScope;
import org.meridian.platform.db.TenantStore;
import org.meridian.platform.db.Transactions;

/** What types and attributes a tenant's entities have. */
public final class DiscoveryService {
    private final Transactions transactions;
    private final DiscoveryStore store;
    private final TenantStore tenants;
    private final ReadPolicies policies;

    public DiscoveryService(Transactions transactions, DiscoveryStore store, TenantStore tenants, ReadPolicies policies) {
        this.transactions = transactions;
        this.store = store;
        this.tenants = tenants;
        this.policies = policies;
    }

    public List<TypeSummary> types(Caller caller, String onlyType) {
        String tenant = caller.tenant();
        ReadScope scope = policies.scope(caller);
        return transactions.readOnly(connection -> {
            tenants.require(connection, tenant);
            return ReadPolicies.types(scope, store.types(connection, tenant, onlyType, scope));
        });
    }

    public List<AttributeSummary> attributes(Caller caller, String onlyAttribute) {
        String tenant = caller.tenant();
        ReadScope scope = policies.scope(caller);
        return transactions.readOnly(connection -> {
            tenants.require(connection, tenant);
            return ReadPolicies.attributes(scope, store.attributes(connection, tenant, onlyAttribute, scope));
        });
    }

    /**
     * The catalogue's figures for these types of the caller's tenant (counts, last change, extent, shape), whatever
     * the caller may read of them: a catalogue tells every department what exists so that it can ask for it, never a
     * value. Unknown types are absent.
     */
    public Map<String, TypeProfile> profiles(Caller caller, Set<String> types) {
        return transactions.readOnly(connection -> store.profiles(connection, caller.tenant(), types));
    }
}
