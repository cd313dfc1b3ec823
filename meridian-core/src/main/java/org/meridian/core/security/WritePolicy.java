package org.meridian.core.security;

import java.util.Set;

/**
 * Decides which entity types a caller may write (create, change, delete). Sharing contributes one (a department writes
 * the types it owns); the broker asks before every write.
 */
@FunctionalInterface
public interface WritePolicy {
    /** The types the caller may write; null: every type. */
    Set<String> writableTypes(Caller caller);
}
