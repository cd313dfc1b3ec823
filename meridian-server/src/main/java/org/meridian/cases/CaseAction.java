package org.meridian.cases;

import java.time.LocalDate;
import java.util.List;

/**
 * What someone does to a case: each is one transition of {@link CaseMachine}, checked against the case's state and
 * the actor's role and department, and recorded as one event.
 */
public sealed interface CaseAction {
    /** The action's name in the API: its record's name in kebab case (RequestExtension: request-extension). */
    default String name() {
        return getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    /** A dispatcher or grid inspector confirms the report is real (核实). */
    record Verify(String note) implements CaseAction {
    }

    /** A dispatcher registers the case (立案). */
    record Register(String note) implements CaseAction {
    }

    /** A dispatcher declines to register it, with the reason (不予立案). */
    record Reject(String reason) implements CaseAction {
    }

    /** A dispatcher sends it to a lead department (主办) and co-handlers (协办), or sends it elsewhere again (改派). */
    record Dispatch(String lead, List<String> coHandlers, String note) implements CaseAction {
        public Dispatch {
            coHandlers = coHandlers == null ? List.of() : List.copyOf(coHandlers);
        }
    }

    /** The lead department takes it on. */
    record Accept(String note) implements CaseAction {
    }

    /** The lead department sends it back to the dispatcher: not theirs, with the reason (退单). */
    record Return(String reason) implements CaseAction {
    }

    /** The lead department reports it handled: what was done, and the evidence (attachment ids) (处置). */
    record Handle(String result, List<String> evidence) implements CaseAction {
        public Handle {
            evidence = evidence == null ? List.of() : List.copyOf(evidence);
        }
    }

    /** A grid inspector or the reporter checks the result: passed, or back to the department for rework (核查/返工). */
    record Check(boolean passed, String note) implements CaseAction {
    }

    /** A dispatcher closes a checked case (结案). */
    record Close(String note) implements CaseAction {
    }

    /** The lead department asks for more working hours on the current stage, with the reason (延期申请). */
    record RequestExtension(int hours, String reason) implements CaseAction {
    }

    /** A dispatcher approves or refuses the pending extension (延期审批). */
    record DecideExtension(boolean approved, String note) implements CaseAction {
    }

    /** A dispatcher suspends a case that cannot be solved now, with the reason and the day to review it (挂账). */
    record Suspend(String reason, LocalDate reviewOn) implements CaseAction {
    }

    /** A dispatcher takes a suspended case up again, where it was. */
    record Resume(String note) implements CaseAction {
    }

    /** A dispatcher reopens a closed case (or the reporter, by rating it unsatisfied and asking so). */
    record Reopen(String reason) implements CaseAction {
    }

    /**
     * A dispatcher refers a case this node cannot solve to the node above it (上报): the case goes on there, with the
     * same identity and its timeline so far, and waits here for the outcome.
     */
    record Refer(String reason) implements CaseAction {
    }

    /** A dispatcher merges a duplicate into another open case; its reporters follow that case. */
    record Merge(String into) implements CaseAction {
    }

    /** The reporter (or the hotline calling back) rates a closed case (回访). */
    record Rate(Satisfaction satisfaction, boolean solved, String comment, boolean reopen) implements CaseAction {
    }

    /**
     * A photo or document joins the case (its content already checked and stored as {@code id}): the reporter, the
     * dispatchers, grid inspectors and the departments on the case attach, while the case is open.
     */
    record Attach(String id, String name, String mediaType) implements CaseAction {
    }

    /**
     * Anyone working on the case (lead, co-handlers, dispatchers) or its reporter adds a note; {@code reference} is the
     * sender's own id of it (an Open311 app's update_id), so the same note sent twice is refused.
     */
    record Note(String text, String reference) implements CaseAction {
        public Note(String text) {
            this(text, null);
        }
    }

    /** How satisfied the reporter is (满意, 基本满意, 不满意). */
    enum Satisfaction {
        SATISFIED("satisfied"), BASICALLY("basically-satisfied"), NOT_SATISFIED("not-satisfied");

        private final String id;

        Satisfaction(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public static java.util.Optional<Satisfaction> of(String id) {
            return java.util.Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst();
        }
    }
}
