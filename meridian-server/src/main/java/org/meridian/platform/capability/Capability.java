package org.meridian.platform.capability;

import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import org.meridian.platform.http.Routes;

/**
 * A capability of the platform (broker, ingest now; identity, sharing, cases, rules, federation, evaluation, web
 * later): a room of its own that contributes its settings, migrations and routes through this contract, so adding one
 * edits no central class. Installed capabilities are found with {@link ServiceLoader}
 * ({@code META-INF/services/org.meridian.platform.capability.Capability}, one line each).
 */
public interface Capability {

    /** Its name, as others name it in {@link #requires()}. */
    String name();

    /** The capabilities whose services it uses: they start before it. */
    default Set<String> requires() {
        return Set.of();
    }

    /**
     * Flyway locations of its tables' migrations. Versions are one sequence across all capabilities (Flyway keeps one
     * history): take the next free number.
     */
    default List<String> migrations() {
        return List.of();
    }

    /** What is wrong with its settings, each naming the variable to change; checked before anything starts. */
    default List<String> problems(Environment environment) {
        return List.of();
    }

    /** Starts it: what it offers others goes into {@link Platform#services()}. */
    Running start(Platform platform);

    /** A started capability. */
    interface Running extends AutoCloseable {
        /** Its HTTP routes. */
        default List<Routes> routes() {
            return List.of();
        }

        /** Called once the HTTP server listens, with its port (some parts publish their own address). */
        default void serving(int httpPort) {
        }

        /** Stops it; capabilities stop in the reverse order they started. */
        @Override
        default void close() {
        }
    }

    /** The capabilities on the class path, each after those it requires. */
    static List<Capability> installed() {
        return inOrder(ServiceLoader.load(Capability.class).stream().map(ServiceLoader.Provider::get).toList());
    }

    /** The capabilities, each after those it requires; fails on a missing or circular requirement. */
    static List<Capability> inOrder(List<Capability> capabilities) {
        java.util.Map<String, Capability> byName = new java.util.LinkedHashMap<>();
        capabilities.forEach(capability -> byName.put(capability.name(), capability));
        List<Capability> ordered = new java.util.ArrayList<>();
        java.util.Set<String> placing = new java.util.HashSet<>();
        for (Capability capability : capabilities) {
            place(capability, byName, ordered, placing);
        }
        return ordered;
    }

    private static void place(Capability capability, java.util.Map<String, Capability> byName, List<Capability> ordered,
                              java.util.Set<String> placing) {
        if (ordered.contains(capability)) {
            return;
        }
        if (!placing.add(capability.name())) {
            throw new IllegalStateException("Capabilities require each other in a circle: " + placing);
        }
        for (String required : capability.requires()) {
            Capability dependency = byName.get(required);
            if (dependency == null) {
                throw new IllegalStateException(capability.name() + " requires the capability " + required + ", which is not installed");
            }
            place(dependency, byName, ordered, placing);
        }
        placing.remove(capability.name());
        ordered.add(capability);
    }
}
