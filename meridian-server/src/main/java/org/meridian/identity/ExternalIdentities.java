package org.meridian.identity;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.meridian.core.security.RoleGrant;

/**
 * The latest verified token of each person of the external identity provider on this node: the provider is not asked
 * between tokens, so what someone holds in a department (sharing decisions, administration) and the rights their
 * subscriptions notify with come from here. Bounded: beyond its size it starts afresh, and callers then fall back to
 * what the caller they hold says.
 */
final class ExternalIdentities {
    /** Subjects of the external provider, as they appear in callers, the ledger and subscriptions. */
    static final String PREFIX = "oidc:";
    private static final int MAX_REMEMBERED = 10_000;

    private final Map<String, ExternalTokens.Identity> latest = new ConcurrentHashMap<>();

    static boolean isExternal(String subject) {
        return subject.startsWith(PREFIX);
    }

    /** Remembers the identity; returns its subject as callers carry it. */
    String remember(ExternalTokens.Identity identity) {
        String subject = PREFIX + identity.subject();
        if (latest.size() >= MAX_REMEMBERED && !latest.containsKey(subject)) {
            latest.clear();
        }
        latest.put(subject, identity);
        return subject;
    }

    Optional<ExternalTokens.Identity> find(String subject) {
        return Optional.ofNullable(latest.get(subject));
    }

    /** The roles the subject's latest token gave, if it is remembered. */
    Optional<List<RoleGrant>> grants(String subject) {
        return find(subject).map(ExternalTokens.Identity::grants);
    }
}
