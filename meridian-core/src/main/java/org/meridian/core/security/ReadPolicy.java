package org.meridian.core.security;

import java.util.Collection;
import org.meridian.core.ngsild.Entity;

/**
 * Decides what a caller may read. Capabilities that govern data (sharing) contribute one; every entity read of the
 * broker (retrieve, query, temporal, discovery, notifications and their streams) asks all of them and applies what they
 * allow together.
 */
@FunctionalInterface
public interface ReadPolicy {
    ReadScope scope(Caller caller);

    /**
     * Told what a caller was shown, after a read (retrieve, query, temporal): to record reads across departments.
     *
     * @param what the read, as an auditor would want it described (the operation and its query)
     */
    default void shown(Caller caller, String what, Collection<Entity> entities) {
    }

    /**
     * Told that a caller counted entities it was not shown (a count-only query: {@code limit=0&count=true}).
     *
     * @param types the entity types the query named (expanded); empty when it named none
     * @param count how many entities matched
     */
    default void counted(Caller caller, String what, java.util.Set<String> types, long count) {
    }

    /**
     * Told that another node (a registered context source) answered part of a caller's read: the exchange across nodes
     * is recorded on this side too, as the source records it on its own.
     *
     * @param source the source's name and registration id
     * @param count how many entities it gave
     */
    default void fetched(Caller caller, String what, String source, int count) {
    }

    /**
     * Told that a subscription will notify its owner of the entity. Matching runs inside writes, so this must be cheap
     * (in memory) and must not fail.
     */
    default void notified(Caller owner, String subscription, Entity entity) {
    }
}
