package org.meridian.broker;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.meridian.core.error.MeridianException;
import org.meridian.core.security.Caller;
import org.meridian.core.security.WritePolicy;

/**
 * The one place every entity write asks which types its caller may write (create, change, delete): capabilities that
 * govern data (sharing) add their {@link WritePolicy}; a caller writes what all of them allow. With none added, or for
 * an unrestricted caller, writes cost nothing more.
 */
public final class WritePolicies {
    private final List<WritePolicy> policies = new CopyOnWriteArrayList<>();

    public void add(WritePolicy policy) {
        policies.add(policy);
    }

    /** The types the caller may write; null: every type. */
    Set<String> writable(Caller caller) {
        Set<String> writable = null;
        for (WritePolicy policy : policies) {
            Set<String> allowed = policy.writableTypes(caller);
            if (allowed != null) {
                if (writable == null) {
                    writable = new HashSet<>(allowed);
                } else {
                    writable.retainAll(allowed);
                }
            }
        }
        return writable;
    }

    static boolean allows(Set<String> writable, Collection<String> types) {
        return writable == null || writable.containsAll(types);
    }

    /** Refuses the write (403) unless every type is writable: the entity's as stored and as it will be. */
    static void require(Set<String> writable, String id, Collection<String> types) {
        if (!allows(writable, types)) {
            throw notYours(id);
        }
    }

    static MeridianException notYours(String id) {
        return new MeridianException(BrokerError.NOT_YOUR_DATA, "The entity " + id
                + " is of a type your department does not own; only its owner writes it (a grant lets others read it)");
    }
}
