package org.meridian.cases;

import java.util.Arrays;
import java.util.Optional;

/**
 * Where a case is in its life, following digital urban management and 12345 practice: received (受理), verified
 * (核实), registered (立案) or rejected (不予立案), dispatched (派遣) to a lead department, in progress (处置中),
 * handled (处置完成), checked (核查通过), closed (结案); suspended (挂账) and merged into another are the side
 * paths that stop the clock; referred (已上报) to the node above, where the case goes on, is the third.
 */
public enum CaseState {
    RECEIVED("received", "受理"),
    VERIFIED("verified", "核实"),
    REGISTERED("registered", "立案"),
    REJECTED("rejected", "不予立案"),
    DISPATCHED("dispatched", "派遣"),
    IN_PROGRESS("in-progress", "处置中"),
    HANDLED("handled", "处置完成"),
    CHECKED("checked", "核查通过"),
    CLOSED("closed", "结案"),
    SUSPENDED("suspended", "挂账"),
    MERGED("merged", "已合并"),
    REFERRED("referred", "已上报");

    private final String id;
    private final String chinese;

    CaseState(String id, String chinese) {
        this.id = id;
        this.chinese = chinese;
    }

    /** The state's name in the API and the database. */
    public String id() {
        return id;
    }

    /** The state's name as Chinese case handling calls it. */
    public String chinese() {
        return chinese;
    }

    /** Whether work on the case is still to be done (rejected, closed and merged cases are done). */
    public boolean open() {
        return this != REJECTED && this != CLOSED && this != MERGED;
    }

    public static Optional<CaseState> of(String id) {
        return Arrays.stream(values()).filter(state -> state.id.equals(id)).findFirst();
    }
}
