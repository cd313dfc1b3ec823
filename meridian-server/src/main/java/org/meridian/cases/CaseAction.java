package org.meridian.cases;

import java.time.LocalDate;
import java.util.List;

/**
 * What someone does to a case: each is one transition of {@link CaseMachine}, checked against the case's state and
 * the actor's role and department, and recorded as one event.
 */
public sealed interface CaseAction {
    /** The action's name in the API and the event log. */
    String name();

    /** A dispatcher or grid inspector confirms the report is real (核实). */
    record Verify(String note) implements CaseAction {
        public String name() {
            return "verify";
        }
    }

    /** A dispatcher registers the case (立案). */
    record Register(String note) implements CaseAction {
        public String name() {
            return "register";
        }
    }

    /** A dispatcher declines to register it, with the reason (不予立案). */
    record Reject(String reason) implements CaseAction {
        public String name() {
            return "reject";
        }
    }

    /** A dispatcher sends it to a lead department (主办) and co-handlers (协办), or sends it elsewhere again (改派). */
    record Dispatch(String lead, List<String> coHandlers, String note) implements CaseAction {
        public Dispatch {
            coHandlers = coHandlers == null ? List.of() : List.copyOf(coHandlers);
        }

        public String name() {
            return "dispatch";
        }
    }

    /** The lead department takes it on. */
    record Accept(String note) implements CaseAction {
        public String name() {
            return "accept";
        }
    }

    /** The lead department sends it back to the dispatcher: not theirs, with the reason (退单). */
    record Return(String reason) implements CaseAction {
        public String name() {
            return "return";
        }
    }

    /** The lead department reports it handled: what was done, and the evidence (attachment ids) (处置). */
    record Handle(String result, List<String> evidence) implements CaseAction {
        public Handle {
            evidence = evidence == null ? List.of() : List.copyOf(evidence);
        }

        public String name() {
            return "handle";
        }
    }

    /** A grid inspector or the reporter checks the result: passed, or back to the department for rework (核查/返工). */
    record Check(boolean passed, String note) implements CaseAction {
        public String name() {
            return "check";
        }
    }

    /** A dispatcher closes a checked case (结案). */
    record Close(String note) implements CaseAction {
        public String name() {
            return "close";
        }
    }

    /** The lead department asks for more working hours on the current stage, with the reason (延期申请). */
    record RequestExtension(int hours, String reason) implements CaseAction {
        public String name() {
            return "request-extension";
        }
    }

    /** A dispatcher approves or refuses the pending extension (延期审批). */
    record DecideExtension(boolean approved, String note) implements CaseAction {
        public String name() {
            return "decide-extension";
        }
    }

    /** A dispatcher suspends a case that cannot be solved now, with the reason and the day to review it (挂账). */
    record Suspend(String reason, LocalDate reviewOn) implements CaseAction {
        public String name() {
            return "suspend";
        }
    }

    /** A dispatcher takes a suspended case up again, where it was. */
    record Resume(String note) implements CaseAction {
        public String name() {
            return "resume";
        }
    }

    /** A dispatcher reopens a closed case (or the reporter, by rating it unsatisfied and asking so). */
    record Reopen(String reason) implements CaseAction {
        public String name() {
            return "reopen";
        }
    }

    /** A dispatcher merges a duplicate into another open case; its reporters follow that case. */
    record Merge(String into) implements CaseAction {
        public String name() {
            return "merge";
        }
    }

    /** The reporter (or the hotline calling back) rates a closed case (回访). */
    record Rate(Satisfaction satisfaction, boolean solved, String comment, boolean reopen) implements CaseAction {
        public String name() {
            return "rate";
        }
    }

    /** Anyone working on the case (lead, co-handlers, dispatchers) adds a note. */
    record Note(String text) implements CaseAction {
        public String name() {
            return "note";
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
