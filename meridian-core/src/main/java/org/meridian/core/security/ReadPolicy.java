package org.meridian.core.security;

/**
 * Decides what a caller may read. Capabilities that govern data (sharing, from issue #20) contribute one; every
 * entity read of the broker (retrieve, query, temporal, discovery, notifications and their streams) asks all of them
 * and applies what they allow together.
 */
@FunctionalInterface
public interface ReadPolicy {
    ReadScope scope(Caller caller);
}
