package org.meridian.web;

import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A browser without a screen, for the pages' HTTP behaviour: keeps cookies, follows no redirect, sends forms. */
final class WebClient {
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    private final String base;
    private final CookieManager cookies = new CookieManager();
    private final HttpClient http;
    private final String language;

    WebClient(String base, String language) {
        this.base = base;
        this.language = language;
        this.http = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    CookieManager cookies() {
        return cookies;
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    HttpResponse<String> get(String path, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).GET();
        headers.forEach(request::header);
        return send(request);
    }

    /** Posts the fields form-encoded, with extra headers. */
    HttpResponse<String> post(String path, Map<String, String> fields, Map<String, String> headers) {
        StringBuilder form = new StringBuilder();
        fields.forEach((name, value) -> form.append(form.isEmpty() ? "" : "&").append(enc(name)).append('=').append(enc(value)));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form.toString()));
        headers.forEach(request::header);
        return send(request);
    }

    HttpResponse<String> post(String path, Map<String, String> fields) {
        return post(path, fields, Map.of());
    }

    /** Posts the fields and files as multipart/form-data (a file: name → {filename, content type, bytes}). */
    HttpResponse<String> postMultipart(String path, Map<String, String> fields, String fileField, String filename, String type,
                                       byte[] content) {
        String boundary = "----meridian" + UUID.randomUUID();
        List<byte[]> parts = new ArrayList<>();
        fields.forEach((name, value) -> parts.add(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name
                + "\"\r\n\r\n" + value + "\r\n").getBytes(StandardCharsets.UTF_8)));
        if (fileField != null) {
            parts.add(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + fileField + "\"; filename=\"" + filename
                    + "\"\r\nContent-Type: " + type + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            parts.add(content);
            parts.add("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        parts.add(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArrays(parts)));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.header("Accept-Language", language).header("Accept", "text/html").build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Signs in as the sign-in page does: its form's token (and cookie) first, then the fields. */
    HttpResponse<String> signIn(Map<String, String> fields) {
        Matcher token = Pattern.compile("name=\"_sign_in\" value=\"([^\"]+)\"").matcher(get("/sign-in").body());
        if (!token.find()) {
            throw new AssertionError("the sign-in page has no form token");
        }
        Map<String, String> form = new java.util.LinkedHashMap<>(fields);
        form.put("_sign_in", token.group(1));
        return post("/sign-in", form);
    }

    /** The password of the accounts {@link #account} makes. */
    static final String PASSWORD = "a-test-password-1";

    /**
     * Makes an account with one role (in a department, or "" for none) in the tenant ("" the default) through the
     * admin API, and answers its user name.
     */
    static String account(org.meridian.testing.Api operator, String tenant, String role, String department, String name) {
        org.meridian.testing.Api.Request request = operator.post("/admin/v1/users", "{\"username\": \"" + name + "\", \"password\": \""
                + PASSWORD + "\", \"roles\": [{\"department\": \"" + department + "\", \"role\": \"" + role + "\"}]}");
        org.meridian.testing.Api.Response made = (tenant.isEmpty() ? request : request.tenant(tenant)).send();
        if (made.status() != 201) {
            throw new AssertionError("the account " + name + " was not made: " + made);
        }
        return name;
    }

    /** A browser signed in (in English) as a new account with that role, in the tenant chosen at sign-in. */
    static WebClient signedIn(org.meridian.testing.Api operator, String tenant, String role, String department) {
        String name = "web-" + role + "-" + UUID.randomUUID().toString().substring(0, 8);
        account(operator, tenant, role, department, name);
        WebClient browser = new WebClient(operator.base(), "en");
        HttpResponse<String> in = browser.signIn(tenant.isEmpty() ? Map.of("username", name, "password", PASSWORD)
                : Map.of("username", name, "password", PASSWORD, "tenant", tenant));
        if (in.statusCode() != 303) {
            throw new AssertionError("could not sign in as " + name + ": " + in.statusCode());
        }
        return browser;
    }

    /** The CSRF token a page's forms carry. */
    static String csrf(String page) {
        Matcher matcher = CSRF.matcher(page);
        if (!matcher.find()) {
            throw new AssertionError("the page has no CSRF token:\n" + page);
        }
        return matcher.group(1);
    }

    private static String enc(String text) {
        return java.net.URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
