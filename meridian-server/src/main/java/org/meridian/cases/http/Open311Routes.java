package org.meridian.cases.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.meridian.cases.CaseError;
import org.meridian.cases.CaseMachine;
import org.meridian.cases.CaseService;
import org.meridian.cases.CaseView;
import org.meridian.cases.Category;
import org.meridian.cases.PublicCases;
import org.meridian.cases.Question;
import org.meridian.core.error.MeridianException;
import org.meridian.core.security.Caller;
import org.meridian.platform.http.Access;
import org.meridian.platform.http.ErrorFace;
import org.meridian.platform.http.Routes;

/**
 * Open311 GeoReport v2 ({@code /open311/v2/}), a face of case handling for the city's and citizens' existing apps:
 * the public categories as services, reports as service requests (each a case), their progress as requests' status
 * and as FixMyStreet's service request updates. Reads are anyone's and show public cases only, never who reported
 * them; a report needs a machine client's API key ({@code api_key}). Every answer is JSON or XML as the path's
 * extension asks, and every error is Open311's error list.
 */
public final class Open311Routes implements Routes {
    static final String BASE = "/open311/v2";
    /** The spec's window and page: at most 90 days of requests, the first 1000. */
    static final Duration WINDOW = Duration.ofDays(90);
    static final int MAX_PAGE = 1000;
    /** How deep pages go (deeper, narrow the dates: an offset costs the rows it skips). */
    static final int MAX_OFFSET = 100_000;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern ATTRIBUTE = Pattern.compile("attribute\\[([^\\[\\]]{1,64})](\\[])?");
    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern ID = Pattern.compile("[0-9]{8}-[0-9]{6,}");
    private static final int TEXT = 4000;

    /** Who sends an API key, in the tenant ({@code identity}'s machine clients); a wrong key is refused. */
    @FunctionalInterface
    public interface ApiKeys {
        Caller caller(String apiKey, String tenant);
    }

    private final PublicCases published;
    private final CaseService cases;
    private final ApiKeys keys;
    private final String jurisdiction;
    private final String contact;
    private final String changeset = Open311Output.time(Instant.now());

    public Open311Routes(PublicCases published, CaseService cases, ApiKeys keys, String jurisdiction, String contact) {
        this.published = published;
        this.cases = cases;
        this.keys = keys;
        this.jurisdiction = jurisdiction;
        this.contact = contact;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.before(BASE + "/*", http -> ErrorFace.use(http, Open311Output.ERRORS));
        routes.get(BASE + "/discovery.{format}", this::discovery, Access.PUBLIC);
        routes.get(BASE + "/services.{format}", this::services, Access.PUBLIC);
        routes.get(BASE + "/services/{code}.{format}", this::definition, Access.PUBLIC);
        routes.get(BASE + "/requests.{format}", this::requests, Access.PUBLIC);
        routes.get(BASE + "/requests/{id}.{format}", this::request, Access.PUBLIC);
        routes.get(BASE + "/tokens/{token}.{format}", this::token, Access.PUBLIC);
        routes.get(BASE + "/servicerequestupdates.{format}", this::updates, Access.PUBLIC);
        // Anyone at the edge (and rate-limited by address): the route checks the api_key itself, as Open311 sends it.
        routes.post(BASE + "/requests.{format}", this::report, Access.PUBLIC);
        routes.post(BASE + "/servicerequestupdates.{format}", this::comment, Access.PUBLIC);
    }

    // ---- discovery and services ----

    private void discovery(Context http) {
        format(http);
        ObjectNode out = NODES.objectNode().put("changeset", changeset).put("contact", contact)
                .put("key_service", "Ask the city's platform operator for a machine client; its API key is the api_key");
        ObjectNode endpoint = out.putArray("endpoints").addObject()
                .put("specification", "http://wiki.open311.org/GeoReport_v2")
                .put("url", http.scheme() + "://" + http.host() + BASE).put("changeset", changeset).put("type", "production");
        endpoint.putArray("formats").add("text/xml").add("application/json");
        Open311Output.respond(http, 200, "discovery", out);
    }

    private void services(Context http) {
        format(http);
        String tenant = tenant(http);
        ArrayNode out = NODES.arrayNode();
        Map<String, String> groups = published.groups(tenant);
        for (Category category : published.services(tenant)) {
            out.addObject().put("service_code", category.code()).put("service_name", category.name())
                    .put("description", category.description()).put("metadata", !category.questions().isEmpty())
                    .put("type", "realtime").put("keywords", category.kind())
                    .put("group", category.parent().isEmpty() ? category.kind() : groups.getOrDefault(category.parent(), category.parent()));
        }
        Open311Output.respond(http, 200, "services", out);
    }

    private void definition(Context http) {
        format(http);
        Category category = service(tenant(http), http.pathParam("code"));
        ObjectNode out = NODES.objectNode().put("service_code", category.code());
        ArrayNode attributes = out.putArray("attributes");
        for (Question question : category.questions()) {
            ObjectNode attribute = attributes.addObject().put("variable", true).put("code", question.code())
                    .put("datatype", question.datatype()).put("required", question.required())
                    .put("datatype_description", datatypeDescription(question)).put("order", question.order())
                    .put("description", question.description());
            if (question.fromChoices()) {
                ArrayNode values = attribute.putArray("values");
                question.choices().forEach(choice -> values.addObject().put("key", choice.key()).put("name", choice.name()));
            }
        }
        Open311Output.respond(http, 200, "service_definition", out);
    }

    private static String datatypeDescription(Question question) {
        return switch (question.datatype()) {
            case "number" -> "A number";
            case "datetime" -> "A date and time with its zone, e.g. 2026-12-05T08:30:00+08:00";
            case "string" -> "One line of text";
            case "text" -> "Text, up to 4000 characters";
            case "multivaluelist" -> "One or more of the values' keys: attribute[" + question.code() + "][]=key";
            default -> "One of the values' keys";
        };
    }

    private Category service(String tenant, String code) {
        if (code.length() > 64) {
            throw invalid("service_code is at most 64 characters");
        }
        return published.services(tenant).stream().filter(category -> category.code().equals(code)).findFirst()
                .orElseThrow(() -> new MeridianException(CaseError.NOT_FOUND, "service_code " + code + " not found"));
    }

    // ---- requests ----

    private void report(Context http) {
        format(http);
        Map<String, List<String>> form = formOf(http);
        String tenant = writingTenant(http, form);
        Caller caller = caseWorker(keys.caller(apiKey(http, form), tenant));
        String code = value(form, "service_code");
        if (code == null) {
            throw invalid("service_code is required");
        }
        service(tenant, code);
        String lat = value(form, "lat");
        String lon = value(form, "long");
        if (lat == null || lon == null) {
            throw invalid("lat and long are required (WGS84): this endpoint places every request on the map, and does not "
                    + "look up address_string or address_id");
        }
        String description = value(form, "description");
        if (description == null) {
            throw invalid("description is required: what is the problem?");
        }
        if (description.length() > TEXT) {
            throw invalid("description is at most 4000 characters");
        }
        String address = value(form, "address_string");
        if (address != null && address.length() > 500) {
            throw invalid("address_string is at most 500 characters");
        }
        Map<String, String> contact = new LinkedHashMap<>();
        String name = String.join(" ", java.util.stream.Stream.of(value(form, "first_name"), value(form, "last_name"))
                .filter(java.util.Objects::nonNull).toList());
        if (!name.isBlank()) {
            contact.put("name", name);
        }
        for (String field : List.of("phone", "email", "account_id")) {
            String given = value(form, field);
            if (given != null) {
                contact.put(field.equals("account_id") ? "account" : field, given);
            }
        }
        List<String> media = form.getOrDefault("media_url", List.of()).stream().filter(url -> !url.isBlank()).toList();
        CaseService.Reported reported = cases.report(caller, new CaseMachine.Report(code, "normal", description,
                coordinate(lon, "long", 180), coordinate(lat, "lat", 90), address, null, "open311", answers(form), contact, media));
        ArrayNode out = NODES.arrayNode();
        CaseView view = reported.reported();
        ObjectNode entry = out.addObject().put("service_request_id", view.id())
                .put("service_notice", "Case " + view.id() + " received (受理)" + (reported.likelyDuplicates().isEmpty() ? ""
                        : "; it may be the same problem as case " + reported.likelyDuplicates().getFirst().id()));
        entry.putNull("account_id");
        Open311Output.respond(http, 201, "service_requests", out);
    }

    /** A key's client must hold a role in this jurisdiction's tenant that works cases (not another tenant's, not a monitor). */
    private static Caller caseWorker(Caller caller) {
        if (!caller.unrestricted() && !Access.CASES.admits(caller)) {
            throw new MeridianException(CaseError.NOT_ALLOWED, "This api_key does not report in this jurisdiction");
        }
        return caller;
    }

    private String writingTenant(Context http, Map<String, List<String>> form) {
        String named = value(form, "jurisdiction_id");
        return tenant(named != null ? named : value(http.queryParamMap(), "jurisdiction_id"), false);
    }

    private static Map<String, List<String>> formOf(Context http) {
        String type = http.contentType();
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            throw invalid("Send the request form-encoded (application/x-www-form-urlencoded; charset=utf-8)");
        }
        return http.formParamMap();
    }

    /** The api_key of the form (or the X-Api-Key header): a machine client's; missing is 403, as Open311 has it. */
    private static String apiKey(Context http, Map<String, List<String>> form) {
        String apiKey = value(form, "api_key");
        if (apiKey == null) {
            apiKey = http.header("X-Api-Key");
        }
        if (apiKey == null || apiKey.isBlank()) {
            throw new MeridianException(CaseError.NOT_ALLOWED, "api_key is required: a machine client's API key");
        }
        return apiKey.trim();
    }

    /** {@code attribute[code]=value} and, for a multivaluelist, {@code attribute[code][]=value} repeated. */
    private static Map<String, List<String>> answers(Map<String, List<String>> form) {
        Map<String, List<String>> answers = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> field : form.entrySet()) {
            if (!field.getKey().startsWith("attribute")) {
                continue;
            }
            Matcher matcher = ATTRIBUTE.matcher(field.getKey());
            if (!matcher.matches()) {
                throw invalid(field.getKey() + ": an answer is sent as attribute[code]=value (attribute[code][]=value for a list)");
            }
            if (answers.size() >= 30 || field.getValue().size() > 100) {
                throw invalid("At most 30 attributes, each with at most 100 values");
            }
            answers.computeIfAbsent(matcher.group(1), code -> new ArrayList<>()).addAll(field.getValue());
        }
        return answers;
    }

    private static double coordinate(String text, String name, double bound) {
        try {
            double value = Double.parseDouble(text.trim());
            if (text.length() <= 32 && value >= -bound && value <= bound) {
                return value;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw invalid(name + " is a WGS84 coordinate from " + (-bound) + " to " + bound + ", not " + text);
    }

    private void requests(Context http) {
        format(http);
        String tenant = tenant(http);
        Map<String, List<String>> query = http.queryParamMap();
        List<String> ids = list(query, "service_request_id");
        if (ids != null && (ids.size() > 100 || ids.stream().anyMatch(id -> !ID.matcher(id).matches()))) {
            throw invalid("service_request_id is a comma-separated list of at most 100 case numbers such as 20261205-000001");
        }
        List<String> codes = list(query, "service_code");
        Boolean closed = null;
        List<String> statuses = list(query, "status");
        if (statuses != null) {
            if (!List.of("open", "closed").containsAll(statuses)) {
                throw invalid("status is open, closed, or both comma-separated");
            }
            closed = statuses.contains("open") == statuses.contains("closed") ? null : statuses.contains("closed");
        }
        Instant start = datetime(value(query, "start_date"), "start_date");
        Instant end = datetime(value(query, "end_date"), "end_date");
        if (start == null && end == null) {
            end = Instant.now();
        }
        if (start == null) {
            start = end.minus(WINDOW);
        } else if (end == null) {
            end = start.plus(WINDOW);
        }
        if (end.isBefore(start) || Duration.between(start, end).compareTo(WINDOW) > 0) {
            throw invalid("start_date and end_date span at most 90 days, start before end");
        }
        int pageSize = whole(value(query, "page_size"), "page_size", MAX_PAGE, MAX_PAGE);
        int page = whole(value(query, "page"), "page", 1, 100_000);
        if ((long) (page - 1) * pageSize > MAX_OFFSET) {
            throw invalid("page and page_size reach at most the " + MAX_OFFSET + "th request; narrow start_date and end_date");
        }
        List<PublicCases.Published> found = ids != null
                ? published.requests(tenant, List.of(), ids, null, null, null, ids.size(), 0)
                : published.requests(tenant, codes == null ? List.of() : codes, null, closed, start, end, pageSize,
                        (page - 1) * pageSize);
        ArrayNode out = NODES.arrayNode();
        found.forEach(request -> out.add(request(request)));
        Open311Output.respond(http, 200, "service_requests", out);
    }

    private void request(Context http) {
        format(http);
        String id = http.pathParam("id");
        PublicCases.Published found = (ID.matcher(id).matches() ? published.request(tenant(http), id) : java.util.Optional.<PublicCases.Published>empty())
                .orElseThrow(() -> new MeridianException(CaseError.NOT_FOUND, "service_request_id " + id + " not found"));
        ArrayNode out = NODES.arrayNode();
        out.add(request(found));
        Open311Output.respond(http, 200, "service_requests", out);
    }

    /** This endpoint answers every request at once with its number ("realtime"): it hands out no tokens. */
    private void token(Context http) {
        format(http);
        tenant(http);
        throw new MeridianException(CaseError.NOT_FOUND, "token " + http.pathParam("token") + " not found: this endpoint is "
                + "realtime and returns the service_request_id at once");
    }

    private static ObjectNode request(PublicCases.Published found) {
        CaseView view = found.view();
        ObjectNode out = NODES.objectNode().put("service_request_id", view.id())
                .put("status", PublicCases.closed(view) ? "closed" : "open");
        PublicCases.Update last = found.updates().isEmpty() ? null : found.updates().getLast();
        out.put("status_notes", last == null ? null : last.description());
        out.put("service_name", found.category().name()).put("service_code", view.category()).put("description", view.description());
        out.put("agency_responsible", view.lead());
        out.put("service_notice", view.state().id() + " (" + view.state().chinese() + ")");
        out.put("requested_datetime", Open311Output.time(view.createdAt()));
        out.put("updated_datetime", Open311Output.time(view.updatedAt()));
        out.put("expected_datetime", Open311Output.time(view.deadline()));
        out.put("address", view.address());
        out.put("address_id", (String) null);
        out.put("zipcode", (String) null);
        out.put("lat", view.latitude()).put("long", view.longitude());
        out.put("media_url", found.media().isEmpty() ? null : found.media().getFirst());
        return out;
    }

    // ---- FixMyStreet's service request updates ----

    private void updates(Context http) {
        format(http);
        String tenant = tenant(http);
        Map<String, List<String>> query = http.queryParamMap();
        Instant end = datetime(value(query, "end_date"), "end_date");
        Instant start = datetime(value(query, "start_date"), "start_date");
        end = end == null ? Instant.now() : end;
        start = start == null ? end.minus(Duration.ofDays(1)) : start;
        if (end.isBefore(start) || Duration.between(start, end).compareTo(WINDOW) > 0) {
            throw invalid("start_date and end_date span at most 90 days, start before end");
        }
        int limit = whole(value(query, "max_requests"), "max_requests", MAX_PAGE, MAX_PAGE);
        ArrayNode out = NODES.arrayNode();
        for (PublicCases.Update update : published.updates(tenant, start, end.plusNanos(1), limit)) {
            out.addObject().put("update_id", update.id()).put("service_request_id", update.caseId()).put("status", update.status())
                    .put("updated_datetime", Open311Output.time(update.at())).put("description", update.description())
                    .put("media_url", "").put("external_status_code", update.kind());
        }
        Open311Output.respond(http, 200, "service_request_updates", out);
    }

    /**
     * FixMyStreet's update from the app that reported the request (a citizen's comment): a note on the case from its
     * reporter, refused when the app did not report it (404) or sent the same update_id before (400).
     */
    private void comment(Context http) {
        format(http);
        Map<String, List<String>> form = formOf(http);
        String tenant = writingTenant(http, form);
        Caller caller = caseWorker(keys.caller(apiKey(http, form), tenant));
        String id = value(form, "service_request_id");
        String update = value(form, "update_id");
        String description = value(form, "description");
        if (id == null || update == null || description == null) {
            throw invalid("service_request_id, update_id and description are required");
        }
        if (update.length() > 64 || description.length() > TEXT) {
            throw invalid("update_id is at most 64 characters, description at most 4000");
        }
        if (!ID.matcher(id).matches()) {
            throw new MeridianException(CaseError.NOT_FOUND, "service_request_id " + id + " not found");
        }
        CaseView after;
        try {
            after = cases.act(caller, id, new org.meridian.cases.CaseAction.Note(description, "open311:" + update));
        } catch (MeridianException e) {
            if (e.code() == CaseError.NOT_FOUND) {
                throw new MeridianException(CaseError.NOT_FOUND, "service_request_id " + id + " not found");
            }
            throw e;
        }
        ArrayNode out = NODES.arrayNode();
        out.addObject().put("update_id", after.id() + "-" + after.version());
        Open311Output.respond(http, 200, "service_request_updates", out);
    }

    // ---- parameters ----

    private static void format(Context http) {
        String format = http.pathParam("format");
        if (!format.equals("json") && !format.equals("xml")) {
            throw new MeridianException(CaseError.NOT_FOUND, "The format is .json or .xml, not ." + format);
        }
    }

    private String tenant(Context http) {
        return tenant(value(http.queryParamMap(), "jurisdiction_id"), true);
    }

    /** The tenant a jurisdiction_id names: none or this node's own is the default tenant; another tenant by its name. */
    private String tenant(String jurisdictionId, boolean reading) {
        if (jurisdictionId == null || jurisdictionId.equals(jurisdiction)) {
            return "";
        }
        if (!TENANT.matcher(jurisdictionId).matches() || reading && published.services(jurisdictionId).isEmpty()) {
            throw new MeridianException(CaseError.NOT_FOUND, "jurisdiction_id " + jurisdictionId + " not found");
        }
        return jurisdictionId;
    }

    /** One parameter's value: empty is the same as absent (the spec says so); given twice is refused. */
    private static String value(Map<String, List<String>> parameters, String name) {
        List<String> values = parameters.getOrDefault(name, List.of()).stream().filter(value -> !value.isEmpty()).toList();
        if (values.size() > 1) {
            throw invalid(name + " is given more than once");
        }
        return values.isEmpty() ? null : values.getFirst();
    }

    private static List<String> list(Map<String, List<String>> parameters, String name) {
        String value = value(parameters, name);
        return value == null ? null : java.util.Arrays.stream(value.split(",")).map(String::trim).filter(item -> !item.isEmpty())
                .distinct().toList();
    }

    private static Instant datetime(String text, String name) {
        if (text == null) {
            return null;
        }
        try {
            OffsetDateTime parsed = OffsetDateTime.parse(text);
            if (parsed.getYear() < 1970 || parsed.getYear() > 9999) {
                throw invalid(name + " is a date between 1970 and 9999, not " + text);
            }
            return parsed.toInstant();
        } catch (DateTimeParseException e) {
            throw invalid(name + " is a W3C date and time with its zone, e.g. 2026-12-01T00:00:00+08:00, not " + text);
        }
    }

    private static int whole(String text, String name, int otherwise, int max) {
        if (text == null) {
            return otherwise;
        }
        try {
            int value = Integer.parseInt(text);
            if (value >= 1 && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw invalid(name + " is a whole number from 1 to " + max);
    }

    private static MeridianException invalid(String detail) {
        return new MeridianException(CaseError.INVALID_INPUT, detail);
    }
}
