package org.meridian.sharing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.meridian.broker.DiscoveryService;
import org.meridian.core.ngsild.TypeProfile;
import org.meridian.core.security.Caller;

/**
 * The data catalogue: every dataset with what its entities show of it (how many, last change, area covered, the shape
 * of an entity), for every department to see what exists and ask for it. The figures come from the broker and are
 * kept a minute per tenant: they count whole types, which costs a read of each type's rows.
 */
public final class Catalogue {
    static final Duration FRESH_FOR = Duration.ofMinutes(1);

    /** A dataset and its figures (null when it has no entity yet). */
    public record Entry(Dataset dataset, TypeProfile profile) {
    }

    private record Figures(Instant at, Set<String> asked, Map<String, TypeProfile> profiles) {
    }

    private final Sharing sharing;
    private final DiscoveryService discovery;
    private final Clock clock;
    private final Map<String, Figures> figures = new ConcurrentHashMap<>();

    public Catalogue(Sharing sharing, DiscoveryService discovery, Clock clock) {
        this.sharing = sharing;
        this.discovery = discovery;
        this.clock = clock;
    }

    /** Every dataset of the caller's tenant, with its figures. */
    public List<Entry> entries(Caller caller) {
        List<Dataset> datasets = sharing.datasets(caller);
        Map<String, TypeProfile> profiles = profiles(caller, datasets);
        return datasets.stream().map(dataset -> new Entry(dataset, profiles.get(dataset.entityType()))).toList();
    }

    /** One dataset with its figures. */
    public Entry entry(Caller caller, String type) {
        Dataset dataset = sharing.dataset(caller, type);
        return new Entry(dataset, profiles(caller, List.of(dataset)).get(type));
    }

    private Map<String, TypeProfile> profiles(Caller caller, List<Dataset> datasets) {
        Set<String> types = datasets.stream().map(Dataset::entityType).collect(Collectors.toSet());
        Instant now = clock.instant();
        Figures known = figures.get(caller.tenant());
        if (known != null && now.isBefore(known.at().plus(FRESH_FOR)) && known.asked().containsAll(types)) {
            return known.profiles();
        }
        // All of the tenant's datasets at once: the next request for another one is answered from here.
        Set<String> all = sharing.datasets(caller).stream().map(Dataset::entityType)
                .collect(Collectors.toCollection(java.util.HashSet::new));
        all.addAll(types);
        Map<String, TypeProfile> fresh = Map.copyOf(discovery.profiles(caller, all));
        if (figures.size() > 10_000) {
            figures.clear();
        }
        figures.put(caller.tenant(), new Figures(now, Set.copyOf(all), fresh));
        return fresh;
    }
}
