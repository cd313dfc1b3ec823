package org.meridian.cases.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.meridian.cases.CaseAction;
import org.meridian.cases.CaseError;
import org.meridian.cases.CaseEvent;
import org.meridian.cases.CaseMachine;
import org.meridian.cases.CaseService;
import org.meridian.cases.CaseState;
import org.meridian.cases.CaseSummary;
import org.meridian.cases.CaseView;
import org.meridian.cases.Category;
import org.meridian.cases.Question;
import org.meridian.cases.Routing;
import org.meridian.core.security.Caller;
import org.meridian.platform.http.Access;
import org.meridian.platform.http.Callers;
import org.meridian.platform.http.JsonFields;
import org.meridian.platform.http.NgsiLdExchange;
import org.meridian.platform.http.Parameters;
import org.meridian.platform.http.Routes;

/**
 * {@code /cases/v1/}: report problems, follow and work cases (one action at a time, each an event), and the
 * catalogue of categories, the routing and the working calendar that cases follow. Text is stored and returned
 * exactly as given, never interpreted.
 */
public final class CaseRoutes implements Routes {
    private static final String BASE = "/cases/v1";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final JsonFields FIELDS = new JsonFields(CaseError.INVALID_INPUT);
    private static final int TEXT = 4000;

    private final CaseService cases;

    public CaseRoutes(CaseService cases) {
        this.cases = cases;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post(BASE + "/cases", this::report, Access.CASES);
        routes.get(BASE + "/cases", this::list, Access.CASES);
        routes.get(BASE + "/cases/{id}", this::get, Access.CASES);
        routes.post(BASE + "/cases/{id}/actions", this::act, Access.CASES);
        routes.post(BASE + "/cases/{id}/attachments", this::attach, Access.CASES);
        routes.get(BASE + "/cases/{id}/attachments", this::attachments, Access.CASES);
        routes.get(BASE + "/cases/{id}/attachments/{attachment}", this::attachment, Access.CASES);
        routes.get(BASE + "/kpis", this::kpis, Access.CASES);
        routes.get(BASE + "/kpis/ranking", this::ranking, Access.CASES);
        routes.get(BASE + "/categories", this::categories, Access.CASES);
        routes.put(BASE + "/categories/{code}", this::putCategory, Access.ADMINISTER);
        routes.get(BASE + "/routing", this::routing, Access.CASES);
        routes.put(BASE + "/routing", this::putRouting, Access.ADMINISTER);
        routes.get(BASE + "/working-hours", this::workingHours, Access.CASES);
        routes.put(BASE + "/working-hours", this::putWorkingHours, Access.ADMINISTER);
        routes.get(BASE + "/calendar/{year}", this::calendar, Access.CASES);
        routes.put(BASE + "/calendar/{year}", this::putCalendar, Access.ADMINISTER);
    }

    private static Caller caller(Context http) {
        return Callers.of(http, NgsiLdExchange.tenantOf(http));
    }

    // ---- cases ----

    private void report(Context http) {
        ObjectNode body = FIELDS.object(http);
        FIELDS.allowOnly(body, Set.of("category", "urgency", "description", "location", "address", "district", "source", "answers",
                "contact"));
        double[] point = point(body.get("location"));
        String source = FIELDS.text(body, "source", 32);
        String urgency = FIELDS.text(body, "urgency", 16);
        CaseService.Reported reported = cases.report(caller(http), new CaseMachine.Report(FIELDS.text(body, "category", 64),
                urgency == null ? "normal" : urgency, FIELDS.text(body, "description", TEXT), point[0], point[1],
                FIELDS.text(body, "address", 500), FIELDS.text(body, "district", 64), source == null ? "portal" : source,
                answers(body.get("answers")), contact(body.get("contact")), List.of()));
        ObjectNode out = view(reported.reported());
        ArrayNode duplicates = out.putArray("likelyDuplicates");
        reported.likelyDuplicates().forEach(other -> duplicates.add(summary(other)));
        http.header("Location", BASE + "/cases/" + reported.reported().id());
        JsonFields.respond(http, 201, out);
    }

    /** The answers to the category's questions: {"code": "value"} or {"code": ["value", …]} for a multivaluelist. */
    private static Map<String, List<String>> answers(JsonNode given) {
        Map<String, List<String>> answers = new LinkedHashMap<>();
        if (given == null || given.isNull()) {
            return answers;
        }
        if (!given.isObject() || given.size() > 30) {
            throw FIELDS.invalid("answers is {\"question code\": \"answer\" or [answers]}, at most 30");
        }
        for (Map.Entry<String, JsonNode> answer : given.properties()) {
            JsonNode value = answer.getValue();
            if (value.isTextual() || value.isNumber()) {
                answers.put(answer.getKey(), List.of(value.asText()));
            } else if (value.isArray()) {
                answers.put(answer.getKey(), strings(value, "answers." + answer.getKey(), 100));
            } else {
                throw FIELDS.invalid("answers." + answer.getKey() + " is text, a number or a list of texts");
            }
        }
        return answers;
    }

    /** Who to call back: name, phone, email (each one line). */
    private static Map<String, String> contact(JsonNode given) {
        Map<String, String> contact = new LinkedHashMap<>();
        if (given == null || given.isNull()) {
            return contact;
        }
        if (!given.isObject()) {
            throw FIELDS.invalid("contact is {\"name\": …, \"phone\": …, \"email\": …}");
        }
        ObjectNode details = (ObjectNode) given;
        FIELDS.allowOnly(details, Set.of("name", "phone", "email"));
        for (String field : List.of("name", "phone", "email")) {
            String value = FIELDS.text(details, field, 200);
            if (value != null && !value.isBlank()) {
                contact.put(field, value);
            }
        }
        return contact;
    }

    /** A GeoJSON Point: exactly one place. */
    private static double[] point(JsonNode location) {
        if (location == null || !location.isObject() || !"Point".equals(location.path("type").asText())
                || !location.path("coordinates").isArray() || location.path("coordinates").size() != 2
                || !location.path("coordinates").get(0).isNumber() || !location.path("coordinates").get(1).isNumber()) {
            throw FIELDS.invalid("location is one GeoJSON Point: {\"type\": \"Point\", \"coordinates\": [longitude, latitude]}");
        }
        return new double[] {location.path("coordinates").get(0).asDouble(), location.path("coordinates").get(1).asDouble()};
    }

    private void list(Context http) {
        String state = Parameters.single(http, "state");
        CaseState wanted = state == null ? null : CaseState.of(state).orElseThrow(() -> FIELDS.invalid("state is one of "
                + java.util.Arrays.stream(CaseState.values()).map(CaseState::id).toList()));
        int limit = Parameters.integer(http, "limit", 50, 1);
        if (limit > 500) {
            throw FIELDS.invalid("limit is at most 500");
        }
        ArrayNode out = NODES.arrayNode();
        cases.list(caller(http), wanted, Parameters.single(http, "lead"), Parameters.single(http, "category"),
                Parameters.flag(http, "mine"), Parameters.flag(http, "overdue"), limit, Parameters.integer(http, "offset", 0, 0))
                .forEach(summary -> out.add(summary(summary)));
        JsonFields.respond(http, 200, out);
    }

    private void get(Context http) {
        CaseService.Detail detail = cases.get(caller(http), http.pathParam("id"));
        ObjectNode out = view(detail.view());
        ArrayNode timeline = out.putArray("events");
        for (CaseEvent event : detail.events()) {
            ObjectNode entry = timeline.addObject().put("seq", event.seq()).put("kind", event.kind()).put("at", event.at().toString())
                    .put("actor", event.actor());
            if (!event.department().isEmpty()) {
                entry.put("department", event.department());
            }
            entry.set("data", event.data());
        }
        JsonFields.respond(http, 200, out);
    }

    private void act(Context http) {
        ObjectNode body = FIELDS.object(http);
        // What the public is told with this step (Open311, the portal): the staff's own words are never published.
        String publicNote = FIELDS.text(body, "publicNote", 500);
        body.remove("publicNote");
        CaseAction action = action(body);
        JsonFields.respond(http, 200, view(cases.act(caller(http), http.pathParam("id"), action, publicNote)));
    }

    /**
     * The action a body names, with its fields checked ({@code {"action": "dispatch", "lead": …}}): the one reading of
     * actions, for this API and for the pages' forms.
     */
    public static CaseAction action(ObjectNode body) {
        String name = FIELDS.text(body, "action", 32);
        return switch (name == null ? "" : name) {
            case "verify" -> new CaseAction.Verify(only(body, "note"));
            case "register" -> new CaseAction.Register(only(body, "note"));
            case "reject" -> new CaseAction.Reject(only(body, "reason"));
            case "dispatch" -> {
                FIELDS.allowOnly(body, Set.of("action", "lead", "coHandlers", "note"));
                yield new CaseAction.Dispatch(FIELDS.text(body, "lead", 64), strings(body.get("coHandlers"), "coHandlers"),
                        FIELDS.text(body, "note", TEXT));
            }
            case "accept" -> new CaseAction.Accept(only(body, "note"));
            case "return" -> new CaseAction.Return(only(body, "reason"));
            case "handle" -> {
                FIELDS.allowOnly(body, Set.of("action", "result", "evidence"));
                yield new CaseAction.Handle(FIELDS.text(body, "result", TEXT), strings(body.get("evidence"), "evidence"));
            }
            case "check" -> {
                FIELDS.allowOnly(body, Set.of("action", "passed", "note"));
                Boolean passed = FIELDS.bool(body, "passed");
                if (passed == null) {
                    throw FIELDS.invalid("A check says whether it passed: \"passed\": true or false");
                }
                yield new CaseAction.Check(passed, FIELDS.text(body, "note", TEXT));
            }
            case "close" -> new CaseAction.Close(only(body, "note"));
            case "request-extension" -> {
                FIELDS.allowOnly(body, Set.of("action", "hours", "reason"));
                JsonNode hours = body.get("hours");
                if (hours == null || !hours.canConvertToInt() || !hours.isIntegralNumber()) {
                    throw FIELDS.invalid("hours is a whole number of working hours");
                }
                yield new CaseAction.RequestExtension(hours.asInt(), FIELDS.text(body, "reason", TEXT));
            }
            case "decide-extension" -> {
                FIELDS.allowOnly(body, Set.of("action", "approved", "note"));
                Boolean approved = FIELDS.bool(body, "approved");
                if (approved == null) {
                    throw FIELDS.invalid("\"approved\": true or false");
                }
                yield new CaseAction.DecideExtension(approved, FIELDS.text(body, "note", TEXT));
            }
            case "suspend" -> {
                FIELDS.allowOnly(body, Set.of("action", "reason", "reviewOn"));
                String review = FIELDS.text(body, "reviewOn", 10);
                yield new CaseAction.Suspend(FIELDS.text(body, "reason", TEXT), review == null ? null : date(review));
            }
            case "resume" -> new CaseAction.Resume(only(body, "note"));
            case "reopen" -> new CaseAction.Reopen(only(body, "reason"));
            case "merge" -> new CaseAction.Merge(only(body, "into"));
            case "refer" -> new CaseAction.Refer(only(body, "reason"));
            case "rate" -> {
                FIELDS.allowOnly(body, Set.of("action", "satisfaction", "solved", "comment", "reopen"));
                String satisfaction = FIELDS.text(body, "satisfaction", 32);
                Boolean solved = FIELDS.bool(body, "solved");
                Boolean reopen = FIELDS.bool(body, "reopen");
                yield new CaseAction.Rate(satisfaction == null ? null : CaseAction.Satisfaction.of(satisfaction).orElseThrow(() ->
                        FIELDS.invalid("satisfaction is satisfied, basically-satisfied or not-satisfied")),
                        Boolean.TRUE.equals(solved), FIELDS.text(body, "comment", TEXT), Boolean.TRUE.equals(reopen));
            }
            case "note" -> new CaseAction.Note(only(body, "text"));
            default -> throw FIELDS.invalid("action is one of verify, register, reject, dispatch, accept, return, handle, check, "
                    + "close, request-extension, decide-extension, suspend, resume, reopen, merge, refer, rate, note");
        };
    }

    /** A photo (JPEG, PNG) or document (PDF) as the body, sent with its own Content-Type; ?name= its file name. */
    private void attach(Context http) {
        CaseService.Attachment attached = cases.attach(caller(http), http.pathParam("id"), Parameters.single(http, "name"),
                http.contentType(), http.bodyAsBytes());
        http.header("Location", BASE + "/cases/" + http.pathParam("id") + "/attachments/" + attached.id());
        JsonFields.respond(http, 201, attachment(http.pathParam("id"), attached));
    }

    private void attachments(Context http) {
        ArrayNode out = NODES.arrayNode();
        cases.attachments(caller(http), http.pathParam("id")).forEach(a -> out.add(attachment(http.pathParam("id"), a)));
        JsonFields.respond(http, 200, out);
    }

    private static ObjectNode attachment(String caseId, CaseService.Attachment attachment) {
        String url = BASE + "/cases/" + caseId + "/attachments/" + attachment.id();
        ObjectNode out = NODES.objectNode().put("id", attachment.id()).put("name", attachment.name())
                .put("mediaType", attachment.mediaType()).put("size", attachment.size()).put("url", url)
                .put("createdAt", attachment.createdAt().toString());
        if (attachment.hasThumbnail()) {
            out.put("thumbnail", url + "?thumbnail=true");
        }
        return out;
    }

    /**
     * An attachment's bytes, as stored and never interpreted: its checked media type, no sniffing, downloaded rather
     * than shown (photos may be shown), and a policy that runs nothing should a browser open it.
     */
    private void attachment(Context http) {
        send(http, cases.attachment(caller(http), http.pathParam("id"), http.pathParam("attachment"), Parameters.flag(http, "thumbnail")));
    }

    /**
     * Writes an attachment as the answer: shown inline when it is an image, downloaded otherwise, never run (no sniffing,
     * a sandbox), kept privately an hour. For the API and the portal alike.
     */
    public static void send(Context http, CaseService.AttachmentContent content) {
        String encoded = java.net.URLEncoder.encode(content.name(), java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
        http.header("X-Content-Type-Options", "nosniff");
        http.header("Content-Security-Policy", "default-src 'none'; sandbox");
        http.header("Cache-Control", "private, max-age=3600");
        http.header("Content-Disposition", (content.mediaType().startsWith("image/") ? "inline" : "attachment")
                + "; filename*=UTF-8''" + encoded);
        http.status(200).result(content.bytes());
        // Binary: no charset (the server's default content type would add one).
        http.res().setCharacterEncoding(null);
        http.res().setContentType(content.mediaType());
    }

    /** The one text member an action takes besides its name. */
    private static String only(ObjectNode body, String member) {
        FIELDS.allowOnly(body, Set.of("action", member));
        return FIELDS.text(body, member, TEXT);
    }

    private static List<String> strings(JsonNode array, String name) {
        return strings(array, name, 20);
    }

    private static List<String> strings(JsonNode array, String name, int max) {
        if (array == null || array.isNull()) {
            return List.of();
        }
        if (!array.isArray() || array.size() > max) {
            throw FIELDS.invalid(name + " is a list of at most " + max);
        }
        List<String> values = new ArrayList<>();
        for (JsonNode value : array) {
            if (!value.isTextual() || value.asText().isBlank() || value.asText().length() > 128) {
                throw FIELDS.invalid(name + " is a list of names");
            }
            values.add(value.asText());
        }
        return values;
    }

    private static LocalDate date(String text) {
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw FIELDS.invalid("A day is written YYYY-MM-DD, not " + text);
        }
    }

    static ObjectNode view(CaseView view) {
        ObjectNode out = NODES.objectNode().put("id", view.id()).put("state", view.state().id())
                .put("stateName", view.state().chinese()).put("category", view.category()).put("urgency", view.urgency())
                .put("description", view.description()).put("source", view.source());
        out.putObject("location").put("type", "Point").putArray("coordinates").add(view.longitude()).add(view.latitude());
        put(out, "address", view.address());
        put(out, "district", view.district());
        put(out, "lead", view.lead());
        view.coHandlers().forEach(out.putArray("coHandlers")::add);
        put(out, "deadline", view.deadline() == null ? null : view.deadline().toString());
        if (view.deadline() != null && view.deadline().equals(view.supervisedFor())) {
            out.put("supervised", true);
        }
        if (view.deadline() != null && view.deadline().equals(view.escalatedFor())) {
            out.put("escalated", true);
        }
        if (view.extensionHours() != null) {
            out.putObject("extensionRequested").put("hours", view.extensionHours()).put("reason", view.extensionReason());
        }
        put(out, "returnedReason", view.returnedReason());
        put(out, "result", view.result());
        put(out, "reviewOn", view.reviewOn() == null ? null : view.reviewOn().toString());
        put(out, "mergedInto", view.mergedInto());
        put(out, "referredFrom", view.referredFrom());
        if (view.referredTo() != null || view.referralPending()) {
            // Where the case goes on above: its id there once the node above has it; pending until then.
            ObjectNode referred = out.putObject("referredTo");
            put(referred, "case", view.referredTo());
            referred.put("pending", view.referralPending());
        }
        out.put("reworks", view.reworks()).put("reopens", view.reopens());
        if (view.satisfaction() != null) {
            out.putObject("rating").put("satisfaction", view.satisfaction()).put("solved", view.solved());
        }
        out.put("createdAt", view.createdAt().toString()).put("updatedAt", view.updatedAt().toString());
        put(out, "closedAt", view.closedAt() == null ? null : view.closedAt().toString());
        out.put("version", view.version());
        return out;
    }

    private static ObjectNode summary(CaseSummary summary) {
        ObjectNode out = NODES.objectNode().put("id", summary.id()).put("state", summary.state().id())
                .put("category", summary.category()).put("urgency", summary.urgency()).put("description", summary.description());
        out.putObject("location").put("type", "Point").putArray("coordinates").add(summary.longitude()).add(summary.latitude());
        put(out, "district", summary.district());
        put(out, "lead", summary.lead());
        summary.coHandlers().forEach(out.putArray("coHandlers")::add);
        put(out, "deadline", summary.deadline() == null ? null : summary.deadline().toString());
        out.put("createdAt", summary.createdAt().toString()).put("updatedAt", summary.updatedAt().toString());
        put(out, "closedAt", summary.closedAt() == null ? null : summary.closedAt().toString());
        return out;
    }

    private static void put(ObjectNode out, String name, String value) {
        if (value != null) {
            out.put(name, value);
        }
    }

    // ---- indicators ----

    private static final List<String> INDICATORS = List.of("responseRate", "resolutionRate", "satisfactionRate",
            "onTimeClosureRate", "reworkRate");

    private Map<String, org.meridian.cases.CaseKpis.Figures> figures(Context http) {
        java.time.Instant to = instant(Parameters.single(http, "to"), java.time.Instant.now());
        java.time.Instant from = instant(Parameters.single(http, "from"), to.minus(java.time.Duration.ofDays(30)));
        String by = Parameters.single(http, "by");
        CaseService.Grouping grouping = switch (by == null ? "department" : by) {
            case "department" -> CaseService.Grouping.DEPARTMENT;
            case "district" -> CaseService.Grouping.DISTRICT;
            default -> throw FIELDS.invalid("by is department or district");
        };
        return cases.kpis(caller(http), from, to, grouping, Parameters.single(http, "department"));
    }

    private static java.time.Instant instant(String text, java.time.Instant otherwise) {
        if (text == null) {
            return otherwise;
        }
        try {
            return java.time.Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw FIELDS.invalid("A time is ISO 8601 with its zone, e.g. 2026-12-01T00:00:00Z, not " + text);
        }
    }

    private void kpis(Context http) {
        ObjectNode out = NODES.objectNode();
        figures(http).forEach((group, figures) -> out.set(group, figures(figures)));
        JsonFields.respond(http, 200, out);
    }

    /** Groups ranked by one indicator, best first (the rework rate: lowest first); groups without a figure last. */
    private void ranking(Context http) {
        String indicator = Parameters.single(http, "indicator");
        String chosen = indicator == null ? "satisfactionRate" : indicator;
        if (!INDICATORS.contains(chosen)) {
            throw FIELDS.invalid("indicator is one of " + INDICATORS);
        }
        List<Map.Entry<String, ObjectNode>> rows = new ArrayList<>();
        figures(http).forEach((group, figures) -> rows.add(Map.entry(group, figures(figures))));
        java.util.Comparator<Map.Entry<String, ObjectNode>> byValue = java.util.Comparator.comparingDouble(row -> row.getValue().path(chosen).asDouble());
        rows.sort(java.util.Comparator.<Map.Entry<String, ObjectNode>, Boolean>comparing(row -> row.getValue().path(chosen).isNull())
                .thenComparing(chosen.equals("reworkRate") ? byValue : byValue.reversed()).thenComparing(Map.Entry::getKey));
        ArrayNode out = NODES.arrayNode();
        int rank = 0;
        for (Map.Entry<String, ObjectNode> row : rows) {
            out.addObject().put("rank", ++rank).put("group", row.getKey()).set(chosen, row.getValue().path(chosen));
        }
        JsonFields.respond(http, 200, out);
    }

    private static ObjectNode figures(org.meridian.cases.CaseKpis.Figures figures) {
        return org.meridian.cases.CaseKpis.json(figures);
    }

    // ---- catalogue, routing, calendar ----

    private void categories(Context http) {
        ArrayNode out = NODES.arrayNode();
        cases.categories(caller(http)).forEach(category -> out.add(category(category)));
        JsonFields.respond(http, 200, out);
    }

    private void putCategory(Context http) {
        ObjectNode body = FIELDS.object(http);
        FIELDS.allowOnly(body, Set.of("name", "kind", "parent", "description", "limits", "public", "questions"));
        Map<String, Map<String, Double>> limits = new LinkedHashMap<>();
        JsonNode given = body.get("limits");
        if (given != null && !given.isNull()) {
            if (!given.isObject()) {
                throw FIELDS.invalid("limits is {\"normal\": {\"dispatched\": hours, …}, \"urgent\": {…}}");
            }
            for (Map.Entry<String, JsonNode> urgency : given.properties()) {
                Map<String, Double> byState = new LinkedHashMap<>();
                if (!urgency.getValue().isObject()) {
                    throw FIELDS.invalid("limits." + urgency.getKey() + " maps states to working hours");
                }
                for (Map.Entry<String, JsonNode> state : urgency.getValue().properties()) {
                    if (!state.getValue().isNumber()) {
                        throw FIELDS.invalid("limits." + urgency.getKey() + "." + state.getKey() + " is a number of working hours");
                    }
                    byState.put(state.getKey(), state.getValue().asDouble());
                }
                limits.put(urgency.getKey(), byState);
            }
        }
        Boolean open = FIELDS.bool(body, "public");
        String kind = FIELDS.text(body, "kind", 16);
        Category category = new Category(NgsiLdExchange.tenantOf(http), http.pathParam("code"), FIELDS.text(body, "name", 200),
                kind == null ? "event" : kind, orEmpty(FIELDS.text(body, "parent", 64)), orEmpty(FIELDS.text(body, "description", TEXT)),
                limits, open == null || open, questions(body.get("questions")));
        boolean created = cases.putCategory(caller(http), category);
        JsonFields.respond(http, created ? 201 : 200, category(category));
    }

    private static List<Question> questions(JsonNode given) {
        List<Question> questions = new ArrayList<>();
        if (given == null || given.isNull()) {
            return questions;
        }
        if (!given.isArray() || given.size() > 30) {
            throw FIELDS.invalid("questions is a list of at most 30 {code, datatype, required, description, order, choices}");
        }
        for (JsonNode item : given) {
            if (!item.isObject()) {
                throw FIELDS.invalid("Each question is an object {code, datatype, required, description, order, choices}");
            }
            ObjectNode question = (ObjectNode) item;
            FIELDS.allowOnly(question, Set.of("code", "datatype", "required", "description", "order", "choices"));
            JsonNode order = question.get("order");
            if (order == null || !order.isIntegralNumber() || !order.canConvertToInt()) {
                throw FIELDS.invalid("Each question has an order: a whole number, 1 shown first");
            }
            List<Question.Choice> choices = new ArrayList<>();
            JsonNode listed = question.get("choices");
            if (listed != null && !listed.isNull()) {
                if (!listed.isArray() || listed.size() > 100) {
                    throw FIELDS.invalid("choices is a list of at most 100 {key, name}");
                }
                for (JsonNode choice : listed) {
                    if (!choice.isObject()) {
                        throw FIELDS.invalid("Each choice is {\"key\": …, \"name\": …}");
                    }
                    FIELDS.allowOnly((ObjectNode) choice, Set.of("key", "name"));
                    choices.add(new Question.Choice(FIELDS.text((ObjectNode) choice, "key", 64), FIELDS.text((ObjectNode) choice, "name", 200)));
                }
            }
            Boolean required = FIELDS.bool(question, "required");
            questions.add(new Question(FIELDS.text(question, "code", 64), orEmpty(FIELDS.text(question, "datatype", 32)),
                    Boolean.TRUE.equals(required), FIELDS.text(question, "description", 1000), order.asInt(), choices));
        }
        return questions;
    }

    private static String orEmpty(String text) {
        return text == null ? "" : text;
    }

    private static ObjectNode category(Category category) {
        ObjectNode out = NODES.objectNode().put("code", category.code()).put("name", category.name()).put("kind", category.kind())
                .put("parent", category.parent()).put("description", category.description()).put("public", category.open());
        ObjectNode limits = out.putObject("limits");
        category.limits().forEach((urgency, byState) -> {
            ObjectNode hours = limits.putObject(urgency);
            byState.forEach(hours::put);
        });
        ArrayNode questions = out.putArray("questions");
        for (Question question : category.questions()) {
            ObjectNode entry = questions.addObject().put("code", question.code()).put("datatype", question.datatype())
                    .put("required", question.required()).put("description", question.description()).put("order", question.order());
            if (question.fromChoices()) {
                ArrayNode choices = entry.putArray("choices");
                question.choices().forEach(choice -> choices.addObject().put("key", choice.key()).put("name", choice.name()));
            }
        }
        return out;
    }

    private void routing(Context http) {
        ArrayNode out = NODES.arrayNode();
        for (Routing route : cases.routing(caller(http))) {
            ObjectNode entry = out.addObject().put("category", route.category()).put("district", route.district()).put("lead", route.lead());
            route.coHandlers().forEach(entry.putArray("coHandlers")::add);
        }
        JsonFields.respond(http, 200, out);
    }

    private void putRouting(Context http) {
        ObjectNode body = FIELDS.object(http);
        FIELDS.allowOnly(body, Set.of("category", "district", "lead", "coHandlers"));
        String category = FIELDS.text(body, "category", 64);
        String lead = FIELDS.text(body, "lead", 64);
        if (category == null || lead == null) {
            throw FIELDS.invalid("A route names its category and lead department");
        }
        Routing route = new Routing(NgsiLdExchange.tenantOf(http), category, orEmpty(FIELDS.text(body, "district", 64)), lead,
                strings(body.get("coHandlers"), "coHandlers"));
        cases.putRouting(caller(http), route);
        http.status(204);
    }

    private void calendar(Context http) {
        int year = year(http);
        ObjectNode out = NODES.objectNode().put("year", year);
        ArrayNode holidays = out.putArray("holidays");
        ArrayNode workdays = out.putArray("workdays");
        cases.calendar(caller(http), year).forEach((day, working) -> (working ? workdays : holidays).add(day.toString()));
        JsonFields.respond(http, 200, out);
    }

    private void putCalendar(Context http) {
        int year = year(http);
        ObjectNode body = FIELDS.object(http);
        FIELDS.allowOnly(body, Set.of("holidays", "workdays"));
        Map<LocalDate, Boolean> days = new LinkedHashMap<>();
        for (String day : strings(body.get("holidays"), "holidays", 366)) {
            days.put(date(day), false);
        }
        for (String day : strings(body.get("workdays"), "workdays", 366)) {
            if (days.put(date(day), true) != null) {
                throw FIELDS.invalid(day + " is both a holiday and a working day");
            }
        }
        cases.putCalendar(caller(http), year, days);
        http.status(204);
    }

    private void workingHours(Context http) {
        CaseService.WorkingHours hours = cases.workingHours(caller(http));
        ObjectNode out = NODES.objectNode();
        ArrayNode windows = out.putArray("windows");
        hours.windows().forEach(window -> windows.addArray().add(hhmm(window.from())).add(hhmm(window.to())));
        ArrayNode weekend = out.putArray("weekend");
        hours.weekend().stream().sorted().forEach(day -> weekend.add(day.name().toLowerCase(java.util.Locale.ROOT)));
        JsonFields.respond(http, 200, out);
    }

    private static String hhmm(java.time.LocalTime time) {
        return time.equals(java.time.LocalTime.MAX) ? "24:00" : time.toString();
    }

    private void putWorkingHours(Context http) {
        ObjectNode body = FIELDS.object(http);
        FIELDS.allowOnly(body, Set.of("windows", "weekend"));
        JsonNode given = body.get("windows");
        if (given == null || !given.isArray() || given.size() > 6) {
            throw FIELDS.invalid("windows is a list of at most 6 [\"HH:mm\", \"HH:mm\"] pairs");
        }
        List<List<String>> windows = new ArrayList<>();
        for (JsonNode window : given) {
            windows.add(strings(window, "windows[]", 2));
        }
        cases.putWorkingHours(caller(http), windows, strings(body.get("weekend"), "weekend", 7));
        http.status(204);
    }

    private static int year(Context http) {
        try {
            return Integer.parseInt(http.pathParam("year"));
        } catch (NumberFormatException e) {
            throw FIELDS.invalid("The year is a number, e.g. 2026");
        }
    }
}
