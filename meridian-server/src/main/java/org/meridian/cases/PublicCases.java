package org.meridian.cases;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.meridian.cases.store.CaseStore;
import org.meridian.cases.store.CatalogueStore;
import org.meridian.platform.db.Transactions;

/**
 * Cases as anyone may see them (Open311's reads, the citizens' pages): only cases of public categories, and of those
 * only what is said to the public — the problem, where, its progress and the department answering for it; never who
 * reported it, their contact details, or the notes departments write to each other.
 */
public final class PublicCases {
    /**
     * A case as the public sees it: its current view, its category, the events the public is told of, and the links to
     * photos its report came with.
     */
    public record Published(CaseView view, Category category, List<Update> updates, List<String> media) {
    }

    /**
     * What the public is told of one event: a status in FixMyStreet's extended vocabulary (open311-adapter's
     * {@code status_extended}), and the words said.
     *
     * @param id the case number and the event's place in its log: stable, so clients de-duplicate on it
     */
    public record Update(String id, String caseId, String kind, Instant at, String status, String description) {
    }

    /** The event kinds the public is told of, with the status they bring. */
    private static final Map<String, String> STATUS = Map.ofEntries(Map.entry("reported", "open"),
            Map.entry("verified", "investigating"), Map.entry("registered", "open"), Map.entry("rejected", "no_further_action"),
            Map.entry("dispatched", "action_scheduled"), Map.entry("accepted", "in_progress"), Map.entry("handled", "fixed"),
            Map.entry("rework", "in_progress"), Map.entry("closed", "closed"), Map.entry("suspended", "planned"),
            Map.entry("resumed", "in_progress"), Map.entry("reopened", "reopen"), Map.entry("merged", "duplicate"),
            Map.entry("referred", "in_progress"));
    public static final List<String> PUBLIC_KINDS = List.copyOf(new java.util.TreeSet<>(STATUS.keySet()));

    private final Transactions transactions;
    private final CaseStore cases;
    private final CatalogueStore catalogue;

    public PublicCases(Transactions transactions, CaseStore cases, CatalogueStore catalogue) {
        this.transactions = transactions;
        this.catalogue = catalogue;
        this.cases = cases;
    }

    /** The categories anyone may report and see (Open311's services). */
    public List<Category> services(String tenant) {
        return transactions.readOnly(connection -> catalogue.categories(connection, tenant)).stream().filter(Category::open).toList();
    }

    /** The names of the tenant's categories by code (a public category's group is its top-level class's name). */
    public Map<String, String> groups(String tenant) {
        return Category.namesByCode(transactions.readOnly(connection -> catalogue.categories(connection, tenant)));
    }

    /**
     * The public cases the filter selects (its categories narrowed to the public ones), each with its updates.
     *
     * @param codes the categories asked for (empty: every public one)
     */
    public List<Published> requests(String tenant, List<String> codes, List<String> ids, Boolean closed, Instant from, Instant to,
                                    int limit, int offset) {
        return requests(tenant, codes, ids, closed, from, to, limit, offset, null);
    }

    /** The public cases within a distance of a point, the nearest first (near: null for anywhere). */
    public List<Published> requests(String tenant, List<String> codes, List<String> ids, Boolean closed, Instant from, Instant to,
                                    int limit, int offset, Nearby near) {
        Map<String, Category> open = new java.util.LinkedHashMap<>();
        services(tenant).stream().filter(category -> codes.isEmpty() || codes.contains(category.code()))
                .forEach(category -> open.put(category.code(), category));
        if (open.isEmpty()) {
            return List.of();
        }
        return transactions.readOnly(connection -> {
            List<String> selected = cases.publicIds(connection, tenant, new CaseStore.PublicFilter(List.copyOf(open.keySet()), ids, closed,
                    from, to, limit, offset, near));
            return cases.logsOf(connection, tenant, selected).entrySet().stream().filter(log -> !log.getValue().isEmpty())
                    .map(log -> {
                        CaseView view = CaseView.of(log.getKey(), tenant, log.getValue());
                        List<String> media = new java.util.ArrayList<>();
                        log.getValue().getFirst().data().path("media").forEach(url -> media.add(url.asText()));
                        return new Published(view, open.get(view.category()),
                                log.getValue().stream().flatMap(event -> update(log.getKey(), event).stream()).toList(), media);
                    }).toList();
        });
    }

    /** One public case by number, if there is one. */
    public Optional<Published> request(String tenant, String id) {
        return requests(tenant, List.of(), List.of(id), null, null, null, 1, 0).stream().findFirst();
    }

    /** What the public was told in [from, to), oldest first, at most {@code limit} updates. */
    public List<Update> updates(String tenant, Instant from, Instant to, int limit) {
        List<String> open = services(tenant).stream().map(Category::code).toList();
        if (open.isEmpty()) {
            return List.of();
        }
        return transactions.readOnly(connection -> cases.eventsBetween(connection, tenant, open, PUBLIC_KINDS, from, to, limit)).stream()
                .flatMap(event -> update(event.caseId(), event.event()).stream()).toList();
    }

    /** Whether the public is told of events of this kind. */
    static boolean tellsThePublic(String kind) {
        return STATUS.containsKey(kind);
    }

    /**
     * The public's words for an event, or none for an event the public is not told of: a fixed phrase for each kind,
     * and the public note staff wrote for it, if any. Their reasons, results and notes are for the case, not published.
     */
    static Optional<Update> update(String caseId, CaseEvent event) {
        String status = STATUS.get(event.kind());
        if (status == null) {
            return Optional.empty();
        }
        var data = event.data();
        String said = switch (event.kind()) {
            case "reported" -> "Received (受理)";
            case "verified" -> "Verified on site (核实)";
            case "registered" -> "Registered as a case (立案)";
            case "rejected" -> "Not registered (不予立案)";
            case "dispatched" -> "Sent to " + data.path("lead").asText() + " (派遣)";
            case "accepted" -> "Being handled by " + event.department() + " (处置中)";
            case "handled" -> "Handled (处置完成)";
            case "rework" -> "Checked and sent back for more work (返工)";
            case "closed" -> "Closed (结案)";
            case "suspended" -> "Cannot be solved now (挂账)" + (data.has("reviewOn") ? "; to be reviewed on " + data.path("reviewOn").asText() : "");
            case "resumed" -> "Taken up again";
            case "reopened" -> "Reopened";
            case "referred" -> "Referred to " + data.path("to").asText("the level above") + " (上报)";
            case "merged" -> "The same problem as case " + data.path("into").asText() + ", which follows it (已合并)";
            default -> event.kind();
        };
        if (data.hasNonNull("publicNote")) {
            said += ": " + data.path("publicNote").asText();
        }
        return Optional.of(new Update(caseId + "-" + event.seq(), caseId, event.kind(), event.at(), status, said));
    }

    /** Whether the case is over for the public (Open311's closed). */
    public static boolean closed(CaseView view) {
        return !view.state().open();
    }
}
