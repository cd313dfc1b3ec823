package org.meridian.platform.capability;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The services capabilities offer each other, by type: a capability provides what others may use when it starts, and
 * takes what it uses from here (the capabilities it uses start before it; see {@link Capability#requires()}). Only
 * services are here, never stores or routes.
 */
public final class Services {
    private final Map<Class<?>, Object> byType = new ConcurrentHashMap<>();

    public <T> void provide(Class<T> type, T service) {
        if (byType.putIfAbsent(type, service) != null) {
            throw new IllegalStateException(type.getSimpleName() + " is provided twice");
        }
    }

    public <T> T require(Class<T> type) {
        return find(type).orElseThrow(() -> new IllegalStateException("No capability provides " + type.getSimpleName()
                + ": is the capability that provides it installed, and named in requires()?"));
    }

    public <T> Optional<T> find(Class<T> type) {
        return Optional.ofNullable(type.cast(byType.get(type)));
    }
}
