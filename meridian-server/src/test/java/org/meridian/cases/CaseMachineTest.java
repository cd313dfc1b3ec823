package org.meridian.cases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.meridian.core.error.MeridianException;

/** The case lifecycle alone: every transition checked by state, role and department; the case is the fold of its log. */
class CaseMachineTest {
    private static final Actor CITIZEN = new Actor("account:wang", Set.of("citizen"), Set.of());
    private static final Actor INSPECTOR = new Actor("account:zhao", Set.of("grid-inspector"), Set.of("urban-management"));
    private static final Actor DISPATCHER = new Actor("account:chen", Set.of("dispatcher"), Set.of());
    private static final Actor WATER = new Actor("account:li", Set.of("staff"), Set.of("water"));
    private static final Actor TRANSPORT = new Actor("account:sun", Set.of("staff"), Set.of("transport"));
    private static final ZoneId BEIJING = ZoneId.of("Asia/Shanghai");

    /** Eight working hours to handle, two to check; other stages without limit. */
    private static final Deadlines LIMITS = new Deadlines() {
        private final WorkingCalendar calendar = WorkingCalendar.standard();

        @Override
        public Instant due(String category, String urgency, CaseState entering, Instant from) {
            return switch (entering) {
                case IN_PROGRESS -> calendar.plusWorkingHours(from, 8);
                case HANDLED -> calendar.plusWorkingHours(from, 2);
                default -> null;
            };
        }

        @Override
        public Instant extend(Instant deadline, int workingHours) {
            return calendar.plusWorkingHours(deadline, workingHours);
        }
    };

    private final List<CaseEvent> log = new ArrayList<>();
    private CaseView view = CaseView.empty("20261204-000001", "");
    private Instant now = LocalDateTime.parse("2026-12-04T16:00").atZone(BEIJING).toInstant();

    private CaseView act(Actor actor, CaseAction action) {
        CaseEvent event = CaseMachine.decide(view, action, actor, now, LIMITS);
        log.add(event);
        view = view.apply(event);
        assertThat(CaseView.of(view.id(), view.tenant(), log)).as("the case is the fold of its log").isEqualTo(view);
        return view;
    }

    private void reported() {
        CaseEvent first = CaseMachine.report(new CaseMachine.Report("manhole-cover", "normal", "A manhole cover is missing",
                120.15, 30.25, "Wensan Road 12", "xihu", "portal"), CITIZEN, now, LIMITS);
        log.add(first);
        view = view.apply(first);
    }

    @Test
    void aReportGoesAllTheWayToARatedClosureThroughRework() {
        reported();
        assertThat(view.state()).isEqualTo(CaseState.RECEIVED);
        assertThat(view.reporters()).containsExactly("account:wang");
        act(INSPECTOR, new CaseAction.Verify("seen on site"));
        act(DISPATCHER, new CaseAction.Register(null));
        act(DISPATCHER, new CaseAction.Dispatch("water", List.of("transport"), "traffic cones needed"));
        assertThat(view.state()).isEqualTo(CaseState.DISPATCHED);
        assertThat(view.lead()).isEqualTo("water");
        act(WATER, new CaseAction.Accept(null));
        // Friday 16:00 + 8 working hours: Monday 17:00.
        assertThat(view.deadline()).isEqualTo(LocalDateTime.parse("2026-12-07T17:00").atZone(BEIJING).toInstant());
        act(TRANSPORT, new CaseAction.Note("cones placed"));
        act(WATER, new CaseAction.Handle("cover replaced", List.of("photo-1")));
        act(CITIZEN, new CaseAction.Check(false, "it rocks when cars pass"));
        assertThat(view.state()).isEqualTo(CaseState.IN_PROGRESS);
        assertThat(view.reworks()).isEqualTo(1);
        act(WATER, new CaseAction.Handle("cover seated properly", List.of()));
        act(INSPECTOR, new CaseAction.Check(true, null));
        act(DISPATCHER, new CaseAction.Close(null));
        assertThat(view.state()).isEqualTo(CaseState.CLOSED);
        assertThat(view.deadline()).isNull();
        act(CITIZEN, new CaseAction.Rate(CaseAction.Satisfaction.SATISFIED, true, "quick", false));
        assertThat(view.satisfaction()).isEqualTo("satisfied");
        assertThat(view.version()).isEqualTo(12);
    }

    @Test
    void eachActionNeedsItsRoleDepartmentAndState() {
        reported();
        assertRefused(() -> act(CITIZEN, new CaseAction.Register(null)), CaseError.NOT_ALLOWED);
        assertRefused(() -> act(WATER, new CaseAction.Verify(null)), CaseError.NOT_ALLOWED);
        assertRefused(() -> act(DISPATCHER, new CaseAction.Close(null)), CaseError.WRONG_STATE);
        assertRefused(() -> act(DISPATCHER, new CaseAction.Reject(" ")), CaseError.INVALID_INPUT);
        act(DISPATCHER, new CaseAction.Register(null));
        assertRefused(() -> act(DISPATCHER, new CaseAction.Dispatch("water", List.of("water"), null)), CaseError.INVALID_INPUT);
        act(DISPATCHER, new CaseAction.Dispatch("water", List.of("transport"), null));
        assertRefused(() -> act(TRANSPORT, new CaseAction.Accept(null)), CaseError.NOT_ALLOWED);
        assertRefused(() -> act(WATER, new CaseAction.Handle("done", null)), CaseError.WRONG_STATE);
        assertRefused(() -> act(new Actor("account:zhou", Set.of("citizen"), Set.of()), new CaseAction.Note("hello")), CaseError.NOT_ALLOWED);
        assertRefused(() -> act(CITIZEN, new CaseAction.Rate(CaseAction.Satisfaction.SATISFIED, true, null, false)), CaseError.WRONG_STATE);
        assertThat(view.version()).as("refusals leave no event").isEqualTo(3);
    }

    @Test
    void aDepartmentReturnsACaseAndTheDispatcherSendsItElsewhere() {
        reported();
        act(DISPATCHER, new CaseAction.Register(null));
        act(DISPATCHER, new CaseAction.Dispatch("transport", List.of(), null));
        assertRefused(() -> act(TRANSPORT, new CaseAction.Return("")), CaseError.INVALID_INPUT);
        act(TRANSPORT, new CaseAction.Return("manholes are the water authority's"));
        assertThat(view.state()).isEqualTo(CaseState.REGISTERED);
        assertThat(view.returnedReason()).contains("water authority");
        assertThat(view.lead()).isNull();
        act(DISPATCHER, new CaseAction.Dispatch("water", List.of(), "reassigned"));
        assertThat(view.lead()).isEqualTo("water");
        assertThat(view.returnedReason()).isNull();
        act(DISPATCHER, new CaseAction.Dispatch("urban-management", List.of("water"), "reassigned again"));
        assertThat(view.lead()).as("改派 straight from dispatched").isEqualTo("urban-management");
    }

    @Test
    void extensionsMoveTheDeadlineInWorkingHoursOnceApproved() {
        reported();
        act(DISPATCHER, new CaseAction.Register(null));
        act(DISPATCHER, new CaseAction.Dispatch("water", List.of(), null));
        act(WATER, new CaseAction.Accept(null));
        Instant before = view.deadline();
        act(WATER, new CaseAction.RequestExtension(7, "the part is on order"));
        assertRefused(() -> act(WATER, new CaseAction.RequestExtension(7, "again")), CaseError.WRONG_STATE);
        assertRefused(() -> act(WATER, new CaseAction.DecideExtension(true, null)), CaseError.NOT_ALLOWED);
        act(DISPATCHER, new CaseAction.DecideExtension(true, null));
        assertThat(view.deadline()).as("Monday 17:00 + 7 working hours").isEqualTo(LocalDateTime.parse("2026-12-08T17:00")
                .atZone(BEIJING).toInstant());
        assertThat(view.deadline()).isAfter(before);
        assertThat(view.extensionHours()).isNull();
        act(WATER, new CaseAction.RequestExtension(4, "rain"));
        act(DISPATCHER, new CaseAction.DecideExtension(false, "no"));
        assertThat(view.deadline()).as("refused: as it was").isEqualTo(LocalDateTime.parse("2026-12-08T17:00").atZone(BEIJING).toInstant());
    }

    @Test
    void suspendedCasesStopTheClockAndResumeWhereTheyWere() {
        reported();
        act(DISPATCHER, new CaseAction.Register(null));
        act(DISPATCHER, new CaseAction.Dispatch("water", List.of(), null));
        act(WATER, new CaseAction.Accept(null));
        assertRefused(() -> act(DISPATCHER, new CaseAction.Suspend("needs a budget", null)), CaseError.INVALID_INPUT);
        act(DISPATCHER, new CaseAction.Suspend("needs next year's budget", LocalDate.parse("2027-03-01")));
        assertThat(view.state()).isEqualTo(CaseState.SUSPENDED);
        assertThat(view.deadline()).isNull();
        assertThat(view.overdueAt(now.plusSeconds(86_400 * 30))).isFalse();
        now = now.plusSeconds(86_400 * 90);
        act(DISPATCHER, new CaseAction.Resume(null));
        assertThat(view.state()).isEqualTo(CaseState.IN_PROGRESS);
        assertThat(view.deadline()).as("a new stage clock from the resumption").isAfter(now);
    }

    @Test
    void anUnsatisfiedReporterReopensAndDuplicatesFollowTheCaseTheyJoin() {
        reported();
        act(DISPATCHER, new CaseAction.Register(null));
        act(DISPATCHER, new CaseAction.Dispatch("water", List.of(), null));
        act(WATER, new CaseAction.Accept(null));
        act(WATER, new CaseAction.Handle("done", null));
        act(INSPECTOR, new CaseAction.Check(true, null));
        act(DISPATCHER, new CaseAction.Close(null));
        assertRefused(() -> act(CITIZEN, new CaseAction.Rate(CaseAction.Satisfaction.SATISFIED, true, null, true)), CaseError.INVALID_INPUT);
        act(CITIZEN, new CaseAction.Rate(CaseAction.Satisfaction.NOT_SATISFIED, false, "still missing", true));
        assertThat(view.state()).isEqualTo(CaseState.REGISTERED);
        assertThat(view.reopens()).isEqualTo(1);
        assertThat(view.closedAt()).isNull();

        com.fasterxml.jackson.databind.node.ObjectNode absorbed = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        absorbed.put("from", "20261204-000002").putArray("reporters").add("account:liu");
        CaseEvent joined = new CaseEvent(view.version() + 1, "absorbed", now, DISPATCHER.subject(), "", absorbed);
        view = view.apply(joined);
        assertThat(view.reporters()).containsExactly("account:wang", "account:liu");
        CaseView duplicate = CaseView.empty("20261204-000002", "").apply(CaseMachine.report(new CaseMachine.Report("manhole-cover",
                "normal", "open manhole", 120.15, 30.25, null, null, "open311"), CITIZEN, now, LIMITS));
        CaseEvent merged = CaseMachine.decide(duplicate, new CaseAction.Merge(view.id()), DISPATCHER, now, LIMITS);
        assertThat(duplicate.apply(merged).state()).isEqualTo(CaseState.MERGED);
        assertThatThrownBy(() -> CaseMachine.decide(duplicate, new CaseAction.Merge(duplicate.id()), DISPATCHER, now, LIMITS))
                .isInstanceOf(MeridianException.class);
    }

    @Test
    void badReportsAreRefused() {
        for (CaseMachine.Report bad : List.of(
                new CaseMachine.Report("pothole", "normal", "x", 200, 30, null, null, "portal"),
                new CaseMachine.Report("pothole", "soon", "x", 120, 30, null, null, "portal"),
                new CaseMachine.Report("pothole", "normal", "", 120, 30, null, null, "portal"),
                new CaseMachine.Report("pothole", "normal", "x".repeat(4001), 120, 30, null, null, "portal"),
                new CaseMachine.Report("pothole", "normal", "x", 120, 30, null, null, "carrier pigeon"))) {
            assertRefused(() -> CaseMachine.report(bad, CITIZEN, now, LIMITS), CaseError.INVALID_INPUT);
        }
        assertRefused(() -> CaseMachine.report(new CaseMachine.Report("pothole", "normal", "x", 120, 30, null, null, "portal"),
                new Actor("anonymous", Set.of(), Set.of()), now, LIMITS), CaseError.NOT_ALLOWED);
    }

    private static void assertRefused(Runnable action, CaseError code) {
        assertThatThrownBy(action::run).isInstanceOf(MeridianException.class)
                .satisfies(e -> assertThat(((MeridianException) e).code()).isEqualTo(code));
    }

    @Test
    void aReferredCaseWaitsAboveWithoutLeadOrDeadlineAndCannotBeMergedOrReferredTwice() {
        reported();
        act(DISPATCHER, new CaseAction.Register(null));
        act(DISPATCHER, new CaseAction.Dispatch("water", List.of("transport"), null));
        act(WATER, new CaseAction.Accept(null));
        assertThat(view.deadline()).isNotNull();
        assertThatThrownBy(() -> act(WATER, new CaseAction.Refer("beyond us"))).as("a department does not refer")
                .isInstanceOfSatisfying(MeridianException.class, e -> assertThat(e.code()).isEqualTo(CaseError.NOT_ALLOWED));
        assertThatThrownBy(() -> act(DISPATCHER, new CaseAction.Refer(" "))).as("a referral says why")
                .isInstanceOfSatisfying(MeridianException.class, e -> assertThat(e.code()).isEqualTo(CaseError.INVALID_INPUT));
        act(DISPATCHER, new CaseAction.Refer("The bridge is the city's"));
        assertThat(view.state()).isEqualTo(CaseState.REFERRED);
        assertThat(view.state().open()).isTrue();
        assertThat(view.lead()).isNull();
        assertThat(view.coHandlers()).isEmpty();
        assertThat(view.deadline()).as("the clock stops here").isNull();
        assertThat(view.referralPending()).isTrue();
        for (CaseAction again : List.of(new CaseAction.Refer("again"), new CaseAction.Merge("20261204-000002"),
                new CaseAction.Suspend("wait", LocalDate.parse("2026-12-31")), new CaseAction.Close(null))) {
            assertThatThrownBy(() -> act(DISPATCHER, again)).as(again.name())
                    .isInstanceOfSatisfying(MeridianException.class, e -> assertThat(e.code()).isEqualTo(CaseError.WRONG_STATE));
        }
        act(DISPATCHER, new CaseAction.Note("The city has been called too"));
        assertThat(view.state()).isEqualTo(CaseState.REFERRED);
    }

    @Test
    void aCaseReferredFromBelowOpensRegisteredAndIsNotMergedAway() {
        var data = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("from", "East District")
                .put("case", "20261204-000009").put("reason", "beyond us").put("category", "bridge").put("urgency", "urgent")
                .put("description", "A crack").put("longitude", 120.1).put("latitude", 30.2).put("source", "hotline");
        CaseEvent first = new CaseEvent(1, "referred-in", now, "client:east-node", "", data);
        log.add(first);
        view = view.apply(first);
        assertThat(view.state()).isEqualTo(CaseState.REGISTERED);
        assertThat(view.referredFrom()).isEqualTo("East District");
        assertThat(view.reporters()).as("the reporters are below").isEmpty();
        assertThat(view.urgency()).isEqualTo("urgent");
        assertThatThrownBy(() -> act(DISPATCHER, new CaseAction.Merge("20261204-000002")))
                .isInstanceOfSatisfying(MeridianException.class, e -> assertThat(e.code()).isEqualTo(CaseError.WRONG_STATE));
        act(DISPATCHER, new CaseAction.Dispatch("water", List.of(), null));
        assertThat(view.lead()).isEqualTo("water");
    }
}
