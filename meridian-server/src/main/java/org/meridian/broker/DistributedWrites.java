package org.meridian.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.meridian.core.csource.Registration;
import org.meridian.core.csource.RegistrationFilter;
import org.meridian.core.security.Caller;

/**
 * Writes that registered context sources take part in (clause 4.3.6.3 with table 4.3.6.2-1): an inclusive source gets
 * the write as well as this broker; an exclusive or redirect source gets the attributes it is registered for, which
 * this broker then does not write itself; a redirect source registered for whole entities takes the whole write, and
 * this broker none of it; an auxiliary source is never written to. A write that comes back through this node (its
 * alias in {@code Via}) or asks {@code local=true} is this broker's alone.
 */
public final class DistributedWrites {
    private static final Set<String> NOT_ATTRIBUTES = Set.of("id", "type", "@id", "@type", "@context", "scope",
            "https://uri.etsi.org/ngsi-ld/scope");

    private final ContextSourceService sources;
    private final Forwarder forwarder;
    private final SourceIdentity identity;
    private final WritePolicies policies;

    public DistributedWrites(ContextSourceService sources, Forwarder forwarder, SourceIdentity identity, WritePolicies policies) {
        this.sources = sources;
        this.forwarder = forwarder;
        this.identity = identity;
        this.policies = policies;
    }

    public Forwarder forwarder() {
        return forwarder;
    }

    /** One source's share of a write: the attributes (by their names in the request) it takes, or all of them. */
    public record Share(Registration source, Set<String> attributes, boolean whole) {
    }

    /**
     * How a write splits: each source's share, and what is left for this broker ({@code localAttributes}, by their
     * names in the request); {@code local} false when sources took all of it.
     */
    public record Split(List<Share> shares, Set<String> localAttributes, boolean local) {
        public boolean distributed() {
            return !shares.isEmpty();
        }
    }

    /** The via value a forwarded request carries: the request's own, then this node. */
    public String via(Caller caller, String via) {
        return (via == null || via.isBlank() ? "" : via + ", ") + "1.1 " + identity.alias(caller.tenant());
    }

    /** Whether the request came back through this node (a loop of registrations): it is then written here alone. */
    public boolean looped(Caller caller, String via) {
        return via != null && via.contains(identity.alias(caller.tenant()));
    }

    /**
     * @param operation the operation's name (clause 4.20: createEntity, updateAttrs, deleteEntity…)
     * @param entityId the entity written
     * @param knownType its type (expanded) as the body names it or this broker holds it, asked only when some source is
     *                  registered for the id (a write nobody else takes costs nothing more); null when unknown:
     *                  sources registered for any type are then candidates
     * @param attributes the attributes the write carries, by their names in the request (none for a whole-entity
     *                   delete: every source registered for the entity takes part)
     * @param expand a name in the request's terms to its expanded IRI
     * @throws org.meridian.core.error.MeridianException 403 when sources take part and the caller may not write the
     *         entity's type here (or its type is unknown and the caller's writes are restricted): a source is never
     *         sent what this broker would refuse
     */
    public Split split(Caller caller, String operation, String entityId, java.util.function.Supplier<String> knownType,
                       Set<String> attributes, UnaryOperator<String> expand) {
        List<Registration> candidates = sources.sourcesFor(caller, operation, new RegistrationFilter(null, Set.of(entityId), null,
                null, null, null, null, null));
        if (candidates.isEmpty()) {
            return new Split(List.of(), attributes, true);
        }
        String type = knownType.get();
        requireWritable(caller, type, entityId);
        RegistrationFilter entity = new RegistrationFilter(type == null ? null : Set.of(type), Set.of(entityId), null, null,
                null, null, null, null);
        List<Share> shares = new ArrayList<>();
        Set<String> local = new LinkedHashSet<>(attributes);
        boolean localWhole = true;
        for (Registration source : candidates) {
            if (source.mode() == Registration.Mode.AUXILIARY) {
                continue;
            }
            Claim claim = claim(source, entity);
            if (claim == null || claim.all() && source.mode() == Registration.Mode.EXCLUSIVE) {
                // An exclusive registration is of named attributes (clause 4.3.6.2); one naming none takes no writes.
                continue;
            }
            Set<String> taken = new LinkedHashSet<>();
            for (String attribute : attributes) {
                if (claim.all() || claim.names().contains(expand.apply(attribute))) {
                    taken.add(attribute);
                }
            }
            if (!claim.all() && taken.isEmpty() && !attributes.isEmpty()) {
                continue; // registered for other attributes of the entity: not this write's
            }
            shares.add(new Share(source, taken, claim.all()));
            if (source.mode() != Registration.Mode.INCLUSIVE) {
                local.removeAll(taken);
                if (claim.all()) {
                    localWhole = false;
                }
            }
        }
        // A write of the entity as a whole (a delete) is this broker's too unless a source takes the whole entity.
        boolean anyLeft = localWhole && (attributes.isEmpty() || !local.isEmpty());
        return new Split(List.copyOf(shares), local, anyLeft);
    }

    /**
     * How a purge of a type splits (clause 5.6.21 with 4.3.6.3): every source registered for the type takes it, and this
     * broker too unless a redirect source takes the type whole.
     */
    public Split splitPurge(Caller caller, String type) {
        RegistrationFilter filter = new RegistrationFilter(Set.of(type), null, null, null, null, null, null, null);
        List<Share> shares = new ArrayList<>();
        boolean local = true;
        for (Registration source : sources.sourcesFor(caller, "deleteEntity", filter)) {
            // Only a source registered for the type as such, whole entities: one registered for some ids, a pattern or
            // some attributes is not sent a purge of every entity of the type it holds.
            boolean whole = source.information().stream().anyMatch(info -> !info.namesAttributes() && info.entities().stream()
                    .anyMatch(entity -> entity.type().equals(type) && entity.id() == null && entity.idPattern() == null));
            if (source.mode() == Registration.Mode.AUXILIARY || !whole) {
                continue;
            }
            shares.add(new Share(source, Set.of(), true));
            if (source.mode() == Registration.Mode.REDIRECT) {
                local = false;
            }
        }
        if (!shares.isEmpty()) {
            requireWritable(caller, type, type);
        }
        return new Split(List.copyOf(shares), Set.of(), local);
    }

    /**
     * A source is never sent what this broker would refuse: a caller whose writes are restricted writes through sources
     * only types it may write here (and nothing whose type this broker cannot tell).
     */
    private void requireWritable(Caller caller, String type, String what) {
        Set<String> writable = policies.writable(caller);
        if (writable != null && (type == null || !writable.contains(type))) {
            throw WritePolicies.notYours(what);
        }
    }

    /** What a source is registered for of this entity: every attribute, or the named ones (expanded). */
    private record Claim(boolean all, Set<String> names) {
    }

    /** @param entity the entity written, as a filter: its id, and its type when known */
    private static Claim claim(Registration source, RegistrationFilter entity) {
        boolean all = false;
        Set<String> names = new LinkedHashSet<>();
        boolean matched = false;
        for (Registration.Info info : source.information()) {
            if (!entity.offers(info)) {
                continue;
            }
            matched = true;
            if (!info.namesAttributes()) {
                all = true;
            }
            names.addAll(info.propertyNames());
            names.addAll(info.relationshipNames());
        }
        return matched ? new Claim(all, names) : null;
    }

    /** Sends each share its write; the outcomes in the order of the shares. */
    public List<Forwarder.Outcome> send(Split split, Function<Share, Forwarder.Write> writeFor) {
        java.util.Map<Registration, Share> shares = new java.util.IdentityHashMap<>();
        split.shares().forEach(share -> shares.put(share.source(), share));
        return forwarder.write(split.shares().stream().map(Share::source).toList(), source -> writeFor.apply(shares.get(source)));
    }

    /** The body narrowed to the attributes given (id, type and @context kept). */
    public static ObjectNode only(ObjectNode body, Set<String> attributes) {
        ObjectNode copy = body.deepCopy();
        var names = copy.fieldNames();
        List<String> drop = new ArrayList<>();
        names.forEachRemaining(name -> {
            if (!NOT_ATTRIBUTES.contains(name) && !attributes.contains(name)) {
                drop.add(name);
            }
        });
        copy.remove(drop);
        return copy;
    }

    /** The attributes of an entity or attribute-map body, by their names in the request. */
    public static Set<String> attributesOf(JsonNode body) {
        Set<String> names = new LinkedHashSet<>();
        if (body != null && body.isObject()) {
            body.fieldNames().forEachRemaining(name -> {
                if (!NOT_ATTRIBUTES.contains(name)) {
                    names.add(name);
                }
            });
        }
        return names;
    }
}
