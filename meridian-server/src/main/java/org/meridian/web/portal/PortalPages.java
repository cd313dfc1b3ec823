package org.meridian.web.portal;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.meridian.cases.Attachments;
import org.meridian.cases.CaseAction;
import org.meridian.cases.CaseError;
import org.meridian.cases.CaseEvent;
import org.meridian.cases.CaseMachine;
import org.meridian.cases.CaseService;
import org.meridian.cases.Category;
import org.meridian.cases.PublicCases;
import org.meridian.cases.Question;
import org.meridian.cases.http.CaseRoutes;
import org.meridian.core.error.MeridianException;
import org.meridian.core.security.Caller;
import org.meridian.core.security.Role;
import org.meridian.identity.IdentityService;
import org.meridian.platform.http.Access;
import org.meridian.platform.http.Routes;
import org.meridian.web.Page;
import org.meridian.web.Pages;

/**
 * The citizen portal ({@code /portal}, public, phone first): report a problem (category and its questions, the place
 * on the map or from the phone's position, a description, a photo), get the case's number and a follow code, follow
 * the case, rate the outcome; and the public reports of the city. Forms are checked here, and what is wrong is shown
 * next to its field with what was typed kept.
 */
public final class PortalPages implements Routes {
    static final int MAX_DESCRIPTION = 2000;
    static final int MAX_ADDRESS = 200;
    static final int MAX_COMMENT = 500;

    private final CaseService cases;
    private final PublicCases published;
    private final IdentityService identity;
    private final Pages pages;

    public PortalPages(CaseService cases, PublicCases published, IdentityService identity, Pages pages) {
        this.cases = cases;
        this.published = published;
        this.identity = identity;
        this.pages = pages;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/", http -> http.redirect("/portal", io.javalin.http.HttpStatus.SEE_OTHER), Access.PUBLIC);
        routes.get("/portal", this::home, Access.PUBLIC);
        routes.get("/portal/report", this::reportForm, Access.PUBLIC);
        routes.post("/portal/report", this::report, Access.PUBLIC);
        routes.post("/portal/track", this::track, Access.PUBLIC);
        routes.get("/portal/nearby", this::nearby, Access.PUBLIC);
        routes.get("/portal/cases/{number}", this::followed, Access.PUBLIC);
        routes.post("/portal/cases/{number}/rating", this::rate, Access.PUBLIC);
        routes.get("/portal/cases/{number}/photos/{attachment}", this::photo, Access.PUBLIC);
    }

    // ---- home ----

    private void home(Context http) {
        showHome(http, published.requests(Pages.tenant(http), List.of(), null, null, null, null, 10, 0).stream().map(PortalPages::publicReport)
                .toList(), "", "");
    }

    /** The portal's front page: its recent public reports, and the follow form with the number and message given. */
    private void showHome(Context http, List<PublicReport> recent, String number, String error) {
        Map<String, Object> model = new HashMap<>();
        model.put("page", pages.page(http));
        model.put("mine", FollowCodes.remembered(http).keySet().stream().toList());
        model.put("recent", recent);
        model.put("categories", Category.namesByCode(published.services(Pages.tenant(http))));
        model.put("number", number);
        model.put("error", error);
        pages.render(http, "portal/home.jte", model);
    }

    /** A public report as the home page lists it. */
    public record PublicReport(String number, String category, String description, String state, java.time.Instant at) {
    }

    private static PublicReport publicReport(PublicCases.Published one) {
        String description = one.view().description();
        return new PublicReport(one.view().id(), one.view().category(),
                description.length() > 120 ? description.substring(0, 120) + "…" : description, one.view().state().id(),
                one.view().createdAt());
    }

    // ---- near a place ----

    /** How far around the place the page looks, and how many reports it lists at most. */
    static final double NEARBY_METERS = 1000;
    static final int NEARBY_LIMIT = 50;

    /** A public report near the place: where it is and how far from the place. */
    public record NearbyReport(PublicReport report, double latitude, double longitude, long meters) {
    }

    /**
     * The public reports within a kilometre of a place (picked on the map, typed, or the phone's position), the
     * nearest first: before reporting, a citizen sees whether the problem is known already.
     */
    private void nearby(Context http) {
        String latitudeText = orEmpty(http.queryParam("latitude")).strip();
        String longitudeText = orEmpty(http.queryParam("longitude")).strip();
        Map<String, Object> model = new HashMap<>();
        model.put("page", pages.page(http));
        model.put("latitude", latitudeText);
        model.put("longitude", longitudeText);
        String error = "";
        List<NearbyReport> found = List.of();
        boolean asked = !latitudeText.isEmpty() || !longitudeText.isEmpty();
        if (asked) {
            Double latitude = coordinate(latitudeText, 90);
            Double longitude = coordinate(longitudeText, 180);
            if (latitude == null || longitude == null) {
                error = "nearby.error";
                http.status(400);
            } else {
                found = published.requests(Pages.tenant(http), List.of(), null, null, null, null, NEARBY_LIMIT, 0,
                                new org.meridian.cases.Nearby(latitude, longitude, NEARBY_METERS)).stream()
                        .map(one -> new NearbyReport(publicReport(one), one.view().latitude(), one.view().longitude(),
                                Math.round(meters(latitude, longitude, one.view().latitude(), one.view().longitude()))))
                        .filter(one -> one.meters() <= NEARBY_METERS).toList();
            }
        }
        model.put("asked", asked && error.isEmpty());
        model.put("error", error);
        model.put("reports", found);
        model.put("categories", Category.namesByCode(published.services(Pages.tenant(http))));
        pages.render(http, "portal/nearby.jte", model);
    }

    private static Double coordinate(String text, double limit) {
        try {
            double value = Double.parseDouble(text);
            return Double.isFinite(value) && Math.abs(value) <= limit ? value : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The distance on the ground, in metres (haversine; the city is small enough for a sphere). */
    static double meters(double lat1, double lon1, double lat2, double lon2) {
        double dLat = Math.toRadians(lat2 - lat1);
        double dLon = Math.toRadians(lon2 - lon1);
        double a = Math.pow(Math.sin(dLat / 2), 2)
                + Math.cos(Math.toRadians(lat1)) * Math.cos(Math.toRadians(lat2)) * Math.pow(Math.sin(dLon / 2), 2);
        return 2 * 6_371_000 * Math.asin(Math.min(1, Math.sqrt(a)));
    }

    private static String orEmpty(String text) {
        return text == null ? "" : text;
    }

    // ---- reporting ----

    /** What the report form holds: what was typed, and what is wrong with it (field → message key). */
    public record Draft(String category, String description, String longitude, String latitude, String address, String phone,
                        Map<String, String> answers, Map<String, String> errors) {
        static Draft empty(String category) {
            return new Draft(category == null ? "" : category, "", "", "", "", "", Map.of(), Map.of());
        }

        public String error(String field) {
            return errors.getOrDefault(field, "");
        }

        public String answer(String code) {
            return answers.getOrDefault(code, "");
        }
    }

    private void reportForm(Context http) {
        showForm(http, Draft.empty(http.queryParam("category")), published.services(Pages.tenant(http)));
    }

    private void showForm(Context http, Draft draft, List<Category> categories) {
        Map<String, Object> model = new HashMap<>();
        model.put("page", pages.page(http));
        model.put("categories", Category.namesByCode(categories));
        model.put("draft", draft);
        model.put("questions", questionsOf(categories, draft.category()));
        pages.render(http, "portal/report.jte", model);
    }

    private static List<Question> questionsOf(List<Category> categories, String category) {
        return categories.stream().filter(c -> c.code().equals(category)).findFirst().map(Category::questions)
                .orElse(List.of());
    }

    private void report(Context http) {
        Page page = pages.page(http);
        Map<String, String> errors = new LinkedHashMap<>();
        String category = trimmed(http.formParam("category"));
        String description = trimmed(http.formParam("description"));
        String longitude = trimmed(http.formParam("longitude"));
        String latitude = trimmed(http.formParam("latitude"));
        String address = trimmed(http.formParam("address"));
        String phone = trimmed(http.formParam("phone"));
        Map<String, String> answers = new LinkedHashMap<>();
        List<Category> categories = published.services(Pages.tenant(http));
        List<Question> questions = questionsOf(categories, category);
        for (Question question : questions) {
            String answer = trimmed(http.formParam("answer." + question.code()));
            if (!answer.isEmpty()) {
                answers.put(question.code(), answer);
            } else if (question.required()) {
                errors.put("answer." + question.code(), "report.error.required");
            }
        }
        if (!Category.namesByCode(categories).containsKey(category)) {
            errors.put("category", "report.error.category");
        }
        if (description.isEmpty()) {
            errors.put("description", "report.error.description");
        } else if (description.length() > MAX_DESCRIPTION) {
            errors.put("description", "report.error.tooLong");
        }
        Double lon = number(longitude);
        Double lat = number(latitude);
        if (lon == null || lat == null || lon < -180 || lon > 180 || lat < -90 || lat > 90) {
            errors.put("place", "report.error.place");
        }
        if (address.length() > MAX_ADDRESS) {
            errors.put("address", "report.error.tooLong");
        }
        if (!phone.isEmpty() && !phone.matches("\\+?[0-9 -]{5,20}")) {
            errors.put("phone", "report.error.phone");
        }
        Attachments.Checked photo = null;
        UploadedFile upload = http.uploadedFile("photo");
        if (upload != null && upload.size() > 0) {
            if (upload.size() > Attachments.MAX_BYTES) {
                errors.put("photo", "report.error.photoSize");
            } else {
                try (InputStream in = upload.content()) {
                    photo = Attachments.check(upload.contentType(), in.readAllBytes());
                } catch (MeridianException | IOException e) {
                    errors.put("photo", "report.error.photoType");
                }
            }
        }
        Draft draft = new Draft(category, description, longitude, latitude, address, phone, answers, errors);
        if (!errors.isEmpty()) {
            http.status(400);
            showForm(http, draft, categories);
            return;
        }
        String code = FollowCodes.generate();
        Caller citizen = citizen(http, code);
        Map<String, List<String>> given = new LinkedHashMap<>();
        answers.forEach((question, answer) -> given.put(question, List.of(answer)));
        CaseService.Reported reported;
        try {
            reported = cases.report(citizen, new CaseMachine.Report(category, "normal", description, lon, lat,
                    address.isEmpty() ? null : address, null, "portal", given, phone.isEmpty() ? Map.of() : Map.of("phone", phone),
                    List.of()));
        } catch (MeridianException e) {
            if (e.code() != CaseError.INVALID_INPUT) {
                throw e;
            }
            // An answer the category's rules refuse: said next to the form, in the words of the check.
            http.status(400);
            Map<String, String> refused = new LinkedHashMap<>(errors);
            refused.put("form", e.detail());
            showForm(http, new Draft(category, description, longitude, latitude, address, phone, answers, refused), categories);
            return;
        }
        String number = reported.reported().id();
        if (photo != null) {
            // Checked once, above; named by its kind, not the phone's file name (which can say more than the citizen meant).
            cases.attach(citizen, number, photo.mediaType().equals("image/png") ? "photo.png" : "photo.jpg", photo);
        }
        FollowCodes.remember(http, number, code);
        Map<String, Object> model = new HashMap<>();
        model.put("page", page);
        model.put("number", number);
        model.put("code", FollowCodes.shown(code));
        pages.render(http, "portal/receipt.jte", model);
    }

    private Caller citizen(Context http, String code) {
        return new Caller(Pages.tenant(http), identity.citizenPseudonym(code), Set.of(), Set.of(Role.CITIZEN.id()));
    }

    // ---- following ----

    private void track(Context http) {
        String number = trimmed(http.formParam("number"));
        String code = FollowCodes.normalise(http.formParam("code"));
        if (FollowCodes.isCaseNumber(number) && code != null && detail(http, number, code).isPresent()) {
            FollowCodes.remember(http, number, code);
            http.status(303).header("Location", "/portal/cases/" + number);
            return;
        }
        http.status(404);
        showHome(http, List.of(), number, "track.error");
    }

    /** The case as its reporter sees it, when the code is the one it was reported with. */
    private Optional<CaseService.Detail> detail(Context http, String number, String code) {
        try {
            return Optional.of(cases.get(citizen(http, code), number));
        } catch (MeridianException e) {
            if (e.code() == CaseError.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private void followed(Context http) {
        String number = http.pathParam("number");
        String code = FollowCodes.remembered(http).get(number);
        Optional<CaseService.Detail> detail = code == null ? Optional.empty() : detail(http, number, code);
        if (detail.isEmpty()) {
            // Not followed from this browser: the number and code are asked for.
            showHome(http, List.of(), FollowCodes.isCaseNumber(number) ? number : "", "");
            return;
        }
        showCase(http, detail.get(), Map.of());
    }

    /** One step of a case as its reporter is told of it. */
    public record Step(String kind, java.time.Instant at, String note) {
    }

    private void showCase(Context http, CaseService.Detail detail, Map<String, String> errors) {
        List<Step> steps = detail.events().stream().filter(event -> PublicCases.PUBLIC_KINDS.contains(event.kind()) || event.kind().equals("rated"))
                .map(PortalPages::step).toList();
        Map<String, Object> model = new HashMap<>();
        model.put("page", pages.page(http));
        model.put("view", detail.view());
        model.put("category", Category.namesByCode(published.services(Pages.tenant(http))).getOrDefault(detail.view().category(), detail.view().category()));
        model.put("steps", steps);
        model.put("errors", errors);
        String code = FollowCodes.remembered(http).get(detail.view().id());
        model.put("photos", code == null ? List.of() : cases.attachments(citizen(http, code), detail.view().id()).stream()
                .filter(CaseService.Attachment::hasThumbnail).toList());
        pages.render(http, "portal/case.jte", model);
    }

    private static Step step(CaseEvent event) {
        String note = event.data().path("result").asText(event.data().path("publicNote").asText(event.data().path("reason").asText("")));
        return new Step(event.kind(), event.at(), note);
    }

    /** A photo's thumbnail of a case this browser follows (as its reporter sees them: the case's own photos). */
    private void photo(Context http) {
        String number = http.pathParam("number");
        String code = FollowCodes.remembered(http).get(number);
        if (code == null) {
            throw new MeridianException(CaseError.NOT_FOUND, "No case " + number + " followed from this browser");
        }
        CaseRoutes.send(http, cases.attachment(citizen(http, code), number, http.pathParam("attachment"), true));
    }

    private void rate(Context http) {
        String number = http.pathParam("number");
        String code = FollowCodes.remembered(http).get(number);
        Optional<CaseService.Detail> detail = code == null ? Optional.empty() : detail(http, number, code);
        if (detail.isEmpty()) {
            throw new MeridianException(CaseError.NOT_FOUND, "No case " + number + " followed from this browser");
        }
        Map<String, String> errors = new LinkedHashMap<>();
        Optional<CaseAction.Satisfaction> satisfaction = CaseAction.Satisfaction.of(trimmed(http.formParam("satisfaction")));
        if (satisfaction.isEmpty()) {
            errors.put("satisfaction", "rate.error.satisfaction");
        }
        String comment = trimmed(http.formParam("comment"));
        if (comment.length() > MAX_COMMENT) {
            errors.put("comment", "report.error.tooLong");
        }
        if (!errors.isEmpty()) {
            http.status(400);
            showCase(http, detail.get(), errors);
            return;
        }
        boolean solved = "yes".equals(http.formParam("solved"));
        boolean reopen = satisfaction.get() == CaseAction.Satisfaction.NOT_SATISFIED && "yes".equals(http.formParam("reopen"));
        cases.act(citizen(http, code), number, new CaseAction.Rate(satisfaction.get(), solved, comment.isEmpty() ? null : comment, reopen));
        http.status(303).header("Location", "/portal/cases/" + number);
    }

    private static String trimmed(String value) {
        return value == null ? "" : value.strip();
    }

    private static Double number(String text) {
        try {
            double value = Double.parseDouble(text);
            return Double.isFinite(value) ? value : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
