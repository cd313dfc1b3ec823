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

    /** How long after a person's last token expired their subscriptions still notify: then they pause until a new one. */
    static final java.time.Duration GRACE = java.time.Duration.ofHours(12);

    /** Remembers the identity unless a newer token of the subject is remembered; returns its subject as callers carry it. */
    String remember(ExternalTokens.Identity identity) {
        String subject = PREFIX + identity.subject();
        if (latest.size() >= MAX_REMEMBERED && !latest.containsKey(subject)) {
            latest.clear();
        }
        latest.merge(subject, identity, (known, given) -> given.issuedAt().isBefore(known.issuedAt()) ? known : given);
        return subject;
    }

    /** The subject's latest identity if its token expired no more than {@link #GRACE} before {@code now}. */
    Optional<ExternalTokens.Identity> current(String subject, java.time.Instant now) {
        return find(subject).filter(identity -> now.isBefore(identity.expiresAt().plus(GRACE)));
    }

    Optional<ExternalTokens.Identity> find(String subject) {
        return Optional.ofNullable(latest.get(subject));
    }

    /** The roles the subject's latest token gave, if it is remembered. */
    Optional<List<RoleGrant>> grants(String subject) {
        return find(subject).map(ExternalTokens.Identity::grants);
    }
}
