package org.meridian.cases;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * One entry of a case's append-only event log: what happened, when, by whom, with what. The case's current state is
 * the fold of its events ({@link CaseView#apply}); an event is never changed or removed.
 *
 * @param seq the event's place in the case's log, from 1; two transitions of one case cannot both take the same place
 * @param kind what happened: reported, verified, registered, rejected, dispatched, accepted, returned, handled,
 *             checked, rework, closed, extension-requested, extension-decided, suspended, resumed, reopened, merged,
 *             absorbed, rated, noted
 * @param actor who did it (a caller's subject)
 * @param department the department it was done for, or ""
 * @param data what the event says (reasons, departments, deadlines…), as stored
 */
public record CaseEvent(long seq, String kind, Instant at, String actor, String department, ObjectNode data) {
}
