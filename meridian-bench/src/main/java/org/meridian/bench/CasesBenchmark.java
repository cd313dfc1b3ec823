package org.meridian.bench;

import java.io.StringReader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.meridian.cases.Actor;
import org.meridian.cases.CaseAction;
import org.meridian.cases.CaseEvent;
import org.meridian.cases.CaseKpis;
import org.meridian.cases.CaseMachine;
import org.meridian.cases.CaseState;
import org.meridian.cases.CaseView;
import org.meridian.cases.Deadlines;
import org.postgresql.PGConnection;

/**
 * Case handling under load: reports and transitions per second over HTTP (a dispatcher, five departments and an
 * inspector, each call one event appended under the case's lock), then one million case events of a year loaded into
 * the database (made by the real case machine, as a city's year would make them) and the indicators queried over them
 * — a department's month, and the whole city's month (issue #21's target: p99 under 200 ms for a department's month).
 * Needs a server with accounts (bench/run starts one for the {@code cases} phase) and MERIDIAN_BENCH_DB_URL.
 */
final class CasesBenchmark {
    private static final String PASSWORD = "bench-password-12";
    private static final List<String> DEPARTMENTS = List.of("water", "transport", "urban", "ecology", "emergency");
    private static final Instant YEAR_START = LocalDate.of(2025, 12, 1).atStartOfDay(ZoneOffset.ofHours(8)).toInstant();

    private final String base;
    private final String adminPassword;
    private final long events;
    private final BenchClient accounts;

    CasesBenchmark(String base, String adminPassword, long events) {
        this.base = base;
        this.accounts = new BenchClient(base);
        this.adminPassword = adminPassword;
        this.events = events;
    }

    void run() throws Exception {
        String operator = "Bearer " + accounts.signIn("admin", adminPassword);
        accounts.send(operator, "PUT", "/cases/v1/working-hours", "{\"windows\": [[\"00:00\", \"24:00\"]], \"weekend\": []}");
        for (String department : DEPARTMENTS) {
            accounts.send(operator, "PUT", "/admin/v1/departments/" + department, "{\"name\": \"" + department + "\"}");
            accounts.send(operator, "POST", "/admin/v1/users", "{\"username\": \"staff-" + department + "\", \"password\": \"" + PASSWORD
                    + "\", \"roles\": [{\"department\": \"" + department + "\", \"role\": \"staff\"}]}");
            accounts.send(operator, "PUT", "/cases/v1/categories/c-" + department, "{\"name\": \"Category of " + department + "\", "
                    + "\"limits\": {\"normal\": {\"received\": 1, \"registered\": 1, \"dispatched\": 2, \"in-progress\": 24, \"handled\": 8}}}");
            accounts.send(operator, "PUT", "/cases/v1/routing", "{\"category\": \"c-" + department + "\", \"lead\": \"" + department + "\"}");
        }
        accounts.send(operator, "POST", "/admin/v1/users", "{\"username\": \"dispatch\", \"password\": \"" + PASSWORD
                + "\", \"roles\": [{\"department\": \"\", \"role\": \"dispatcher\"}]}");
        accounts.send(operator, "POST", "/admin/v1/users", "{\"username\": \"inspect\", \"password\": \"" + PASSWORD
                + "\", \"roles\": [{\"department\": \"urban\", \"role\": \"grid-inspector\"}]}");
        String dispatcher = "Bearer " + accounts.signIn("dispatch", PASSWORD);
        String inspector = "Bearer " + accounts.signIn("inspect", PASSWORD);
        java.util.Map<String, String> staff = new java.util.HashMap<>();
        for (String department : DEPARTMENTS) {
            staff.put(department, "Bearer " + accounts.signIn("staff-" + department, PASSWORD));
        }

        // ---- over HTTP: reports, then each stage of each case ----
        int cases = 2_000;
        SplittableRandom random = new SplittableRandom(21);
        String[] ids = new String[cases];
        String[] leads = new String[cases];
        List<String> reports = new ArrayList<>();
        for (int i = 0; i < cases; i++) {
            leads[i] = DEPARTMENTS.get(random.nextInt(DEPARTMENTS.size()));
            reports.add(String.format(Locale.ROOT, "{\"category\": \"c-%s\", \"description\": \"bench %d\", \"source\": \"hotline\", "
                    + "\"location\": {\"type\": \"Point\", \"coordinates\": [%.5f, %.5f]}}", leads[i], i,
                    CityEntities.WEST + random.nextDouble() * (CityEntities.EAST - CityEntities.WEST),
                    CityEntities.SOUTH + random.nextDouble() * (CityEntities.NORTH - CityEntities.SOUTH)));
        }
        ThreadLocal<RawHttpConnection> asDispatcher = ThreadLocal.withInitial(() -> new RawHttpConnection(base, dispatcher));
        LoadGenerator.drive(cases, 4, i -> () -> {
            RawHttpConnection http = asDispatcher.get();
            int status = http.request("POST", "/cases/v1/cases", reports.get(i));
            ids[i] = http.location() == null ? null : http.location().substring(http.location().lastIndexOf('/') + 1);
            return status;
        }).print("cases: report (4 clients)", 1, "cases/s");
        stage("register", cases, i -> asDispatcher.get(), ids, "{\"action\": \"register\"}");
        stage("dispatch (by the routing)", cases, i -> asDispatcher.get(), ids, "{\"action\": \"dispatch\"}");
        Map<String, ThreadLocal<RawHttpConnection>> asStaff = new java.util.HashMap<>();
        staff.forEach((department, token) -> asStaff.put(department, ThreadLocal.withInitial(() -> new RawHttpConnection(base, token))));
        stage("accept (the lead department)", cases, i -> asStaff.get(leads[i]).get(), ids, "{\"action\": \"accept\"}");
        stage("handle", cases, i -> asStaff.get(leads[i]).get(), ids, "{\"action\": \"handle\", \"result\": \"done\"}");
        ThreadLocal<RawHttpConnection> asInspector = ThreadLocal.withInitial(() -> new RawHttpConnection(base, inspector));
        stage("check (the inspector)", cases, i -> asInspector.get(), ids, "{\"action\": \"check\", \"passed\": true}");
        stage("close", cases, i -> asDispatcher.get(), ids, "{\"action\": \"close\"}");

        // ---- a year of case events in the database, then the indicators over them ----
        String url = System.getenv("MERIDIAN_BENCH_DB_URL");
        if (url == null) {
            System.out.println("cases: MERIDIAN_BENCH_DB_URL is not set; the indicators over a year of events are skipped");
            return;
        }
        long start = System.nanoTime();
        long loaded;
        try (Connection database = DriverManager.getConnection(url, System.getenv().getOrDefault("MERIDIAN_DB_USER", "postgres"),
                System.getenv("MERIDIAN_BENCH_DB_PASSWORD"))) {
            try (Statement count = database.createStatement();
                 java.sql.ResultSet watched = count.executeQuery("SELECT kind, count(*) FROM case_event "
                         + "WHERE kind IN ('reminded', 'supervised', 'escalated') GROUP BY kind ORDER BY kind")) {
                StringBuilder said = new StringBuilder();
                while (watched.next()) {
                    said.append(said.isEmpty() ? "" : ", ").append(watched.getLong(2)).append(' ').append(watched.getString(1));
                }
                System.out.println("cases: meanwhile the case watch wrote " + (said.isEmpty() ? "nothing" : said)
                        + " (the stage limits are hours: a case entering a 1-hour stage is due a reminder at once)");
            }
            start = System.nanoTime();
            loaded = load(database);
            try (Statement analyse = database.createStatement()) {
                analyse.execute("ANALYZE case_event");
                analyse.execute("ANALYZE case_record");
                analyse.execute("ANALYZE case_fact");
            }
        }
        System.out.printf(Locale.ROOT, "cases: %,d events of %s loaded in %.0f s (made by the case machine, a year of cases)%n",
                loaded, "5 departments", (System.nanoTime() - start) / 1e9);
        List<String> departmentMonths = new ArrayList<>();
        List<String> cityMonths = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            int month = random.nextInt(12);
            Instant from = YEAR_START.atZone(ZoneOffset.ofHours(8)).plusMonths(month).toInstant();
            Instant to = YEAR_START.atZone(ZoneOffset.ofHours(8)).plusMonths(month + 1).toInstant();
            String period = "from=" + encode(from.toString()) + "&to=" + encode(to.toString());
            departmentMonths.add("/cases/v1/kpis?" + period + "&department=" + DEPARTMENTS.get(random.nextInt(DEPARTMENTS.size())));
            cityMonths.add("/cases/v1/kpis?" + period);
        }
        for (int round = 0; round < 2; round++) {
            String warm = round == 0 ? " (first round)" : "";
            LoadGenerator.drive(200, 4, i -> () -> asDispatcher.get().request("GET", departmentMonths.get(i), null))
                    .print("cases: KPIs of a department's month" + warm + " (4 clients)", 1, "queries/s");
            LoadGenerator.drive(20, 1, i -> () -> asDispatcher.get().request("GET", cityMonths.get(i), null))
                    .print("cases: KPIs of the city's month, all departments" + warm, 1, "queries/s");
        }
    }

    private void stage(String what, int cases, java.util.function.IntFunction<RawHttpConnection> as, String[] ids, String body)
            throws Exception {
        LoadGenerator.drive(cases, 4, i -> () -> ids[i] == null ? 599
                : as.apply(i).request("POST", "/cases/v1/cases/" + ids[i] + "/actions", body))
                .print("cases: " + what + " (4 clients)", 1, "transitions/s");
    }

    /** A year of cases, each made event by event by the case machine, copied into the tables; returns the events. */
    private long load(Connection database) throws Exception {
        Actor dispatcher = new Actor("user:dispatch", Set.of("dispatcher"), Set.of());
        Actor inspector = new Actor("user:inspect", Set.of("grid-inspector"), Set.of("urban"));
        SplittableRandom random = new SplittableRandom(7);
        long written = 0;
        int number = 0;
        long yearSeconds = Duration.ofDays(365).toSeconds();
        var copy = database.unwrap(PGConnection.class).getCopyAPI();
        while (written < events) {
            StringBuilder eventRows = new StringBuilder();
            StringBuilder caseRows = new StringBuilder();
            StringBuilder factRows = new StringBuilder();
            for (int n = 0; n < 5_000 && written < events; n++) {
                String lead = DEPARTMENTS.get(random.nextInt(DEPARTMENTS.size()));
                Actor staff = new Actor("user:staff-" + lead, Set.of("staff"), Set.of(lead));
                Instant at = YEAR_START.plusSeconds(random.nextLong(yearSeconds));
                String id = String.format(Locale.ROOT, "Y%07d", ++number);
                List<CaseEvent> log = new ArrayList<>();
                CaseView view = CaseView.of(id, "", List.of());
                CaseEvent event = CaseMachine.report(new CaseMachine.Report("c-" + lead, "normal", "bench case " + number,
                        120.1 + random.nextDouble() * 0.1, 30.2 + random.nextDouble() * 0.1, null, null, "hotline"), dispatcher, at, LIMITS);
                view = view.apply(event);
                log.add(event);
                List<Object[]> steps = new ArrayList<>();
                steps.add(new Object[] {dispatcher, new CaseAction.Register(null), 0.1 + random.nextDouble()});
                steps.add(new Object[] {dispatcher, new CaseAction.Dispatch(lead, List.of(), null), 0.1 + random.nextDouble() * 2});
                steps.add(new Object[] {staff, new CaseAction.Accept(null), 0.2 + random.nextDouble() * (random.nextInt(8) == 0 ? 6 : 1.5)});
                steps.add(new Object[] {staff, new CaseAction.Handle("done", List.of()), 1 + random.nextDouble() * 30});
                if (random.nextInt(7) == 0) {
                    steps.add(new Object[] {inspector, new CaseAction.Check(false, "not yet"), 0.5 + random.nextDouble() * 4});
                    steps.add(new Object[] {staff, new CaseAction.Handle("done again", List.of()), 1 + random.nextDouble() * 10});
                }
                steps.add(new Object[] {inspector, new CaseAction.Check(true, null), 0.5 + random.nextDouble() * 6});
                steps.add(new Object[] {dispatcher, new CaseAction.Close(null), 0.1 + random.nextDouble() * 2});
                if (random.nextInt(5) != 0) {
                    int draw = random.nextInt(20);
                    steps.add(new Object[] {dispatcher, new CaseAction.Rate(draw < 15 ? CaseAction.Satisfaction.SATISFIED : draw < 18
                            ? CaseAction.Satisfaction.BASICALLY : CaseAction.Satisfaction.NOT_SATISFIED, draw < 18, null, false),
                            2 + random.nextDouble() * 48});
                }
                for (Object[] step : steps) {
                    at = at.plusSeconds(Math.round((double) step[2] * 3600));
                    event = CaseMachine.decide(view, (CaseAction) step[1], (Actor) step[0], at, LIMITS);
                    view = view.apply(event);
                    log.add(event);
                }
                for (CaseEvent made : log) {
                    eventRows.append('\t').append(id).append('\t').append(made.seq()).append('\t').append(made.kind()).append('\t')
                            .append(made.at()).append('\t').append(made.actor()).append('\t').append(made.department()).append('\t')
                            .append(made.data().toString().replace("\\", "\\\\")).append('\n');
                }
                caseRows.append('\t').append(id).append('\t').append(view.category()).append("\tnormal\t").append(view.state().id())
                        .append("\t\\N\t").append(view.lead()).append("\t{}\t{").append(view.reporters().getFirst()).append("}\t")
                        .append(view.description()).append('\t').append(view.longitude()).append('\t').append(view.latitude())
                        .append("\t\\N\t").append(view.createdAt()).append('\t').append(view.updatedAt()).append('\t')
                        .append(view.closedAt() == null ? "\\N" : view.closedAt().toString()).append('\t').append(view.version())
                        .append('\t').append(view.version()).append('\n');
                for (CaseKpis.Fact fact : CaseKpis.facts(log)) {
                    factRows.append('\t').append(id).append('\t').append(fact.department() == null ? "\\N" : fact.department())
                            .append("\t\\N\t").append(fact.kind()).append('\t')
                            .append(fact.at()).append('\t').append(fact.stage()).append('\t').append(fact.hours()).append('\t')
                            .append(fact.yes()).append('\t').append(fact.also()).append('\n');
                }
                written += log.size();
            }
            copy.copyIn("COPY case_event (tenant, case_id, seq, kind, at, actor, department, data) FROM STDIN",
                    new StringReader(eventRows.toString()));
            copy.copyIn("COPY case_record (tenant, id, category, urgency, state, district, lead, co_handlers, reporters, description, "
                    + "longitude, latitude, deadline, created_at, updated_at, closed_at, version, published_version) FROM STDIN",
                    new StringReader(caseRows.toString()));
            copy.copyIn("COPY case_fact (tenant, case_id, department, district, kind, at, stage, hours, yes, also) FROM STDIN",
                    new StringReader(factRows.toString()));
        }
        return written;
    }

    /** The bench categories' limits, around the clock: working hours are hours. */
    private static final Deadlines LIMITS = new Deadlines() {
        private final Map<CaseState, Double> hours = Map.of(CaseState.RECEIVED, 1.0, CaseState.REGISTERED, 1.0,
                CaseState.DISPATCHED, 2.0, CaseState.IN_PROGRESS, 24.0, CaseState.HANDLED, 8.0);

        @Override
        public Instant due(String category, String urgency, CaseState entering, Instant from) {
            Double limit = entering == null ? null : hours.get(entering);
            return limit == null ? null : from.plusSeconds(Math.round(limit * 3600));
        }

        @Override
        public Instant extend(Instant deadline, int workingHours) {
            return deadline.plusSeconds(workingHours * 3600L);
        }
    };

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
