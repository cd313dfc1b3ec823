package org.meridian.cases;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * A case as its events make it: {@link #apply} folds one event into the state before it, and nothing else changes a
 * case. Deadlines are decided when an event is made (in working time, by the tenant's calendar) and carried in it, so
 * the fold needs no calendar and gives the same case every time.
 *
 * @param reporters who reported it (the first reporter, then those of duplicates merged into it): they follow it
 * @param deadline when the current stage is due, or null (no limit, or the clock stopped)
 * @param suspendedFrom the state a suspended case resumes in
 * @param version how many events the case has
 * @param remindedFor the deadline the last reminder was for (one reminder per deadline)
 * @param supervisedFor the deadline the last supervision (督办) was for
 * @param escalatedFor the deadline the last escalation to the level above was for
 * @param referredFrom the node below that referred the case here (its first event is then {@code referred-in}), or null
 * @param referredTo the case's id at the node above, once a referral reached it, or null
 * @param referralPending referred, and the node above has not yet said it has the case
 * @param upstreamSeq the last event of the node above's case this node has taken in ({@code upstream} events)
 */
public record CaseView(String id, String tenant, String category, String urgency, String description, double longitude,
                       double latitude, String address, String district, String source, List<String> reporters,
                       CaseState state, CaseState suspendedFrom, LocalDate reviewOn, String lead, List<String> coHandlers,
                       Instant deadline, Integer extensionHours, String extensionReason, String returnedReason,
                       String result, int reworks, int reopens, String satisfaction, Boolean solved, String mergedInto,
                       Instant createdAt, Instant updatedAt, Instant closedAt, long version, Instant remindedFor,
                       Instant supervisedFor, Instant escalatedFor, String referredFrom, String referredTo,
                       boolean referralPending, long upstreamSeq) {
    public CaseView {
        reporters = List.copyOf(reporters);
        coHandlers = List.copyOf(coHandlers);
    }

    /** The case before any event: nothing. */
    static CaseView empty(String id, String tenant) {
        return new CaseView(id, tenant, null, null, null, 0, 0, null, null, null, List.of(), null, null, null, null, List.of(),
                null, null, null, null, null, 0, 0, null, null, null, null, null, null, 0, null, null, null, null, null, false, 0);
    }

    /** The case from its whole log. */
    public static CaseView of(String id, String tenant, List<CaseEvent> events) {
        CaseView view = empty(id, tenant);
        for (CaseEvent event : events) {
            view = view.apply(event);
        }
        return view;
    }

    /** The case after the event. */
    public CaseView apply(CaseEvent event) {
        Builder next = new Builder(this);
        ObjectNode data = event.data();
        next.version = event.seq();
        next.updatedAt = event.at();
        if (data.has("deadline")) {
            next.deadline = data.get("deadline").isNull() ? null : Instant.parse(data.get("deadline").asText());
        }
        switch (event.kind()) {
            case "reported" -> {
                report(next, data, event.at());
                next.reporters = new ArrayList<>(List.of(event.actor()));
                next.state = CaseState.RECEIVED;
            }
            case "verified" -> next.state = CaseState.VERIFIED;
            case "registered" -> next.state = CaseState.REGISTERED;
            case "rejected" -> next.state = CaseState.REJECTED;
            case "dispatched" -> {
                next.state = CaseState.DISPATCHED;
                next.lead = data.path("lead").asText();
                next.coHandlers = strings(data.path("coHandlers"));
                next.returnedReason = null;
            }
            case "accepted" -> next.state = CaseState.IN_PROGRESS;
            case "returned" -> {
                next.state = CaseState.REGISTERED;
                next.returnedReason = text(data, "reason");
                next.lead = null;
                next.coHandlers = List.of();
                next.extensionHours = null;
                next.extensionReason = null;
            }
            case "handled" -> {
                next.state = CaseState.HANDLED;
                next.result = text(data, "result");
            }
            case "checked" -> next.state = CaseState.CHECKED;
            case "rework" -> {
                next.state = CaseState.IN_PROGRESS;
                next.reworks++;
            }
            case "closed" -> {
                next.state = CaseState.CLOSED;
                next.closedAt = event.at();
                next.extensionHours = null;
                next.extensionReason = null;
            }
            case "extension-requested" -> {
                next.extensionHours = data.path("hours").asInt();
                next.extensionReason = text(data, "reason");
            }
            case "extension-decided" -> {
                next.extensionHours = null;
                next.extensionReason = null;
            }
            case "suspended" -> {
                next.suspendedFrom = state;
                next.state = CaseState.SUSPENDED;
                next.reviewOn = data.hasNonNull("reviewOn") ? LocalDate.parse(data.get("reviewOn").asText()) : null;
            }
            case "resumed" -> {
                next.state = suspendedFrom;
                next.suspendedFrom = null;
                next.reviewOn = null;
            }
            case "reopened" -> reopen(next);
            case "referred-in" -> {
                // A case a node below referred here: the report as it was made there; its reporters stay there.
                report(next, data, event.at());
                next.reporters = List.of();
                next.state = CaseState.REGISTERED;
                next.referredFrom = text(data, "from");
            }
            case "referred" -> {
                next.state = CaseState.REFERRED;
                next.lead = null;
                next.coHandlers = List.of();
                next.extensionHours = null;
                next.extensionReason = null;
                next.referralPending = true;
            }
            case "referral-delivered" -> {
                next.referredTo = text(data, "case");
                next.referralPending = false;
            }
            case "upstream" -> next.upstreamSeq = Math.max(upstreamSeq, data.path("seq").asLong());
            case "merged" -> {
                next.state = CaseState.MERGED;
                next.mergedInto = text(data, "into");
            }
            case "absorbed" -> {
                List<String> all = new ArrayList<>(reporters);
                strings(data.path("reporters")).stream().filter(reporter -> !all.contains(reporter)).forEach(all::add);
                next.reporters = all;
            }
            case "rated" -> {
                next.satisfaction = text(data, "satisfaction");
                next.solved = data.path("solved").asBoolean();
                if (data.path("reopen").asBoolean()) {
                    reopen(next);
                }
            }
            case "noted", "attached" -> { }
            case "reminded" -> next.remindedFor = Instant.parse(data.path("for").asText());
            case "supervised" -> next.supervisedFor = Instant.parse(data.path("for").asText());
            case "escalated" -> next.escalatedFor = Instant.parse(data.path("for").asText());
            default -> throw new IllegalStateException("an event of an unknown kind in case " + id + ": " + event.kind());
        }
        return next.build();
    }

    /** What a report says of the problem, as a reported or referred-in event carries it. */
    private static void report(Builder next, JsonNode data, Instant at) {
        next.category = data.path("category").asText();
        next.urgency = data.path("urgency").asText("normal");
        next.description = data.path("description").asText("");
        next.longitude = data.path("longitude").asDouble();
        next.latitude = data.path("latitude").asDouble();
        next.address = text(data, "address");
        next.district = text(data, "district");
        next.source = data.path("source").asText();
        next.createdAt = at;
    }

    /** Back to registration, to be dispatched afresh; its next closure is rated afresh too. */
    private static void reopen(Builder next) {
        next.state = CaseState.REGISTERED;
        next.satisfaction = null;
        next.solved = null;
        next.reopens++;
        next.closedAt = null;
        next.lead = null;
        next.coHandlers = List.of();
    }

    private static String text(JsonNode data, String name) {
        JsonNode value = data.get(name);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    /** Whether the caller is one of the case's reporters. */
    public boolean reportedBy(String subject) {
        return reporters.contains(subject);
    }

    /** Whether the case is late: its stage's deadline has passed. */
    public boolean overdueAt(Instant now) {
        return deadline != null && state.open() && state != CaseState.SUSPENDED && now.isAfter(deadline);
    }

    private static final class Builder {
        String category;
        String urgency;
        String description;
        double longitude;
        double latitude;
        String address;
        String district;
        String source;
        List<String> reporters;
        CaseState state;
        CaseState suspendedFrom;
        LocalDate reviewOn;
        String lead;
        List<String> coHandlers;
        Instant deadline;
        Integer extensionHours;
        String extensionReason;
        String returnedReason;
        String result;
        int reworks;
        int reopens;
        String satisfaction;
        Boolean solved;
        String mergedInto;
        Instant createdAt;
        Instant updatedAt;
        Instant closedAt;
        long version;
        Instant remindedFor;
        Instant supervisedFor;
        Instant escalatedFor;
        String referredFrom;
        String referredTo;
        boolean referralPending;
        long upstreamSeq;
        private final String id;
        private final String tenant;

        Builder(CaseView from) {
            id = from.id;
            tenant = from.tenant;
            category = from.category;
            urgency = from.urgency;
            description = from.description;
            longitude = from.longitude;
            latitude = from.latitude;
            address = from.address;
            district = from.district;
            source = from.source;
            reporters = from.reporters;
            state = from.state;
            suspendedFrom = from.suspendedFrom;
            reviewOn = from.reviewOn;
            lead = from.lead;
            coHandlers = from.coHandlers;
            deadline = from.deadline;
            extensionHours = from.extensionHours;
            extensionReason = from.extensionReason;
            returnedReason = from.returnedReason;
            result = from.result;
            reworks = from.reworks;
            reopens = from.reopens;
            satisfaction = from.satisfaction;
            solved = from.solved;
            mergedInto = from.mergedInto;
            createdAt = from.createdAt;
            updatedAt = from.updatedAt;
            closedAt = from.closedAt;
            version = from.version;
            remindedFor = from.remindedFor;
            supervisedFor = from.supervisedFor;
            escalatedFor = from.escalatedFor;
            referredFrom = from.referredFrom;
            referredTo = from.referredTo;
            referralPending = from.referralPending;
            upstreamSeq = from.upstreamSeq;
        }

        CaseView build() {
            return new CaseView(id, tenant, category, urgency, description, longitude, latitude, address, district, source,
                    reporters, state, suspendedFrom, reviewOn, lead, coHandlers, deadline, extensionHours, extensionReason,
                    returnedReason, result, reworks, reopens, satisfaction, solved, mergedInto, createdAt, updatedAt,
                    closedAt, version, remindedFor, supervisedFor, escalatedFor, referredFrom, referredTo, referralPending,
                    upstreamSeq);
        }
    }
}
