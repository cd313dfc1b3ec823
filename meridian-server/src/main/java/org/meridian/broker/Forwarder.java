package org.meridian.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.meridian.core.csource.Registration;
import org.meridian.core.json.Json;
import org.meridian.core.ngsild.DateTimes;

/**
 * Sends a read to the context sources registered for it (clause 4.3.6): in parallel, each within its timeout; a source
 * that fails rests for its registration's cooldown and is not asked through it meanwhile, so a dead source costs one timeout, then nothing, and
 * never holds up the answer of the others. What could not be asked is reported with the answer, never hidden.
 */
public final class Forwarder implements AutoCloseable {
    /** Most a source's answer may weigh: a source is not trusted to be small. */
    public static final int MAX_ANSWER_BYTES = 16 * 1024 * 1024;
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);
    static final Duration DEFAULT_COOLDOWN = Duration.ofSeconds(30);

    private static final java.util.Set<String> RESERVED = java.util.Set.of("accept", "link", "via", "ngsild-tenant",
            "host", "connection", "content-length", "expect", "upgrade", "te", "transfer-encoding");

    private final HttpClient client;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, Instant> restingUntil = new ConcurrentHashMap<>();
    private final Clock clock;

    public Forwarder(Clock clock) {
        this.clock = clock;
        this.client = HttpClient.newBuilder().executor(threads).connectTimeout(DEFAULT_TIMEOUT).version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * A forwarded read: its path and query below /ngsi-ld/v1, the headers that go with it, and for a query sent as
     * POST (a source that offers queryBatch only) its body; null for a GET.
     */
    public record Read(String pathAndQuery, String tenant, String linkHeader, String via, JsonNode postBody) {
        public Read(String pathAndQuery, String tenant, String linkHeader, String via) {
            this(pathAndQuery, tenant, linkHeader, via, null);
        }
    }

    /** One source's JSON answer, with the total it reported in NGSILD-Results-Count (null when it gave none). */
    public record Reply(Registration source, JsonNode body, Long resultsCount) {
    }

    /**
     * What the sources answered: the replies of those that answered 200, and why the others gave nothing. A source's
     * 404 is an answer (it does not hold that): in neither list, and no reason to rest.
     */
    public record Answers(List<Reply> replies, List<String> failures) {
        public List<JsonNode> bodies() {
            return replies.stream().map(Reply::body).toList();
        }
    }

    public Answers read(List<Registration> sources, Read read) {
        return read(sources, source -> read);
    }

    /** Sends each source its own read (a query narrowed to what the source is registered for, say). */
    public Answers read(List<Registration> sources, java.util.function.Function<Registration, Read> readFor) {
        List<CompletableFuture<Object>> calls = new ArrayList<>();
        Instant now = clock.instant();
        List<String> failures = new ArrayList<>();
        List<Registration> asked = new ArrayList<>();
        for (Registration source : sources) {
            Instant resting = restingUntil.get(source.id());
            if (resting != null && resting.isAfter(now)) {
                failures.add(source.label() + ": resting after a failure until " + resting);
                continue;
            }
            asked.add(source);
            // The whole exchange, body included, within the source's time (HttpClient's own timeout ends at the
            // headers): a source trickling its answer costs no more than one that never answers.
            Duration timeout = timeout(source);
            Read read = readFor.apply(source);
            calls.add(CompletableFuture.supplyAsync(() -> ask(source, read), threads)
                    .completeOnTimeout("no complete answer within " + timeout.toMillis() + " ms", timeout.toMillis() + 100,
                            java.util.concurrent.TimeUnit.MILLISECONDS));
        }
        List<Reply> replies = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            Object result = calls.get(i).join();
            if (result instanceof Reply reply) {
                replies.add(reply);
            } else if (result != NOT_THERE) {
                Registration source = asked.get(i);
                restingUntil.put(source.id(), clock.instant().plus(cooldown(source)));
                failures.add(source.label() + ": " + result);
            }
        }
        return new Answers(replies, failures);
    }

    /**
     * A forwarded write (clause 4.3.6.3): method, path and query below /ngsi-ld/v1, the headers that go with it, and its
     * body (null for a DELETE).
     */
    public record Write(String method, String pathAndQuery, String tenant, String linkHeader, String via, JsonNode body) {
    }

    /**
     * What a source did with a write: its status and the problem it answered with (null when it answered none), or why
     * it could not be asked ({@code failure}, with status 0: unreachable, timed out).
     */
    public record Outcome(Registration source, int status, JsonNode problem, String failure) {
        public boolean succeeded() {
            return failure == null && status >= 200 && status < 300;
        }
    }

    /** Sends each source its write, in parallel, each within its timeout; one outcome per source, in their order. */
    public List<Outcome> write(List<Registration> sources, java.util.function.Function<Registration, Write> writeFor) {
        // A write waits longer than a read by default: it is not to be given up on while the source is still at it.
        List<CompletableFuture<Outcome>> calls = new ArrayList<>();
        // A write is tried even while the source rests after a failed read: it is an explicit change the caller is
        // told the fate of, never one silently skipped; a write that fails makes reads rest as well.
        for (Registration source : sources) {
            Duration timeout = writeTimeout(source);
            Write write = writeFor.apply(source);
            calls.add(CompletableFuture.supplyAsync(() -> send(source, write), threads)
                    .completeOnTimeout(new Outcome(source, 0, null, "no complete answer within " + timeout.toMillis() + " ms"),
                            timeout.toMillis() + 100, java.util.concurrent.TimeUnit.MILLISECONDS));
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (CompletableFuture<Outcome> call : calls) {
            Outcome outcome = call.join();
            if (outcome.failure() != null && outcome.status() == 0) {
                restingUntil.put(outcome.source().id(), clock.instant().plus(cooldown(outcome.source())));
            }
            outcomes.add(outcome);
        }
        return outcomes;
    }

    private Outcome send(Registration source, Write write) {
        Duration timeout = writeTimeout(source);
        HttpRequest.Builder request;
        try {
            request = HttpRequest.newBuilder(URI.create(base(source.endpoint()) + write.pathAndQuery())).timeout(timeout)
                    .header("Accept", "application/json");
            request.method(write.method(), write.body() == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(Json.write(write.body())));
            if (write.body() != null) {
                // A body that carries its @context is JSON-LD (clause 6.3.5); one without goes with the Link header.
                boolean ld = write.body().has("@context") || write.body().isArray() && write.body().size() > 0
                        && write.body().get(0).has("@context");
                request.header("Content-Type", ld ? "application/ld+json" : "application/json");
            }
            headers(request, source, write.tenant(), write.linkHeader(), write.via());
        } catch (IllegalArgumentException e) {
            return new Outcome(source, 0, null, "cannot be asked: an address or header it is registered with cannot be sent");
        }
        try {
            HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                byte[] bytes = body.readNBytes(64 * 1024 + 1);
                JsonNode problem = bytes.length > 64 * 1024 ? null : Json.parseBytes(bytes);
                return new Outcome(source, response.statusCode(), problem != null && problem.isObject() ? problem : null, null);
            }
        } catch (java.net.http.HttpTimeoutException e) {
            return new Outcome(source, 0, null, "no answer within " + timeout.toMillis() + " ms");
        } catch (IOException | RuntimeException e) {
            return new Outcome(source, 0, null, "unreachable (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(source, 0, null, "interrupted");
        }
    }

    private static void headers(HttpRequest.Builder built, Registration source, String requestTenant, String linkHeader, String via) {
        String tenant = source.tenant() != null ? source.tenant() : requestTenant;
        if (tenant != null && !tenant.isEmpty()) {
            built.header("NGSILD-Tenant", tenant);
        }
        if (linkHeader != null) {
            built.header("Link", linkHeader);
        }
        built.header("Via", via);
        // contextSourceInfo travels as headers (credentials the source expects, for one); not those the exchange owns.
        source.contextSourceInfo().forEach((key, value) -> {
            if (!RESERVED.contains(key.toLowerCase(java.util.Locale.ROOT)) && key.matches("[A-Za-z0-9-]{1,64}")) {
                built.header(key, value);
            }
        });
    }

    /** Lets a source that was resting be asked again at once (its registration was renewed: it says it is back). */
    public void forget(String registrationId) {
        restingUntil.remove(registrationId);
    }

    /** A source's answer that it does not hold what was asked. */
    private static final Object NOT_THERE = new Object();

    /** The source's {@link Reply}, {@link #NOT_THERE}, or why there is none (a String). */
    private Object ask(Registration source, Read read) {
        Duration timeout = timeout(source);
        HttpRequest.Builder request;
        try {
            HttpRequest.Builder built = HttpRequest.newBuilder(URI.create(base(source.endpoint()) + read.pathAndQuery()))
                    .timeout(timeout).header("Accept", "application/json");
            if (read.postBody() == null) {
                built.GET();
            } else {
                built.header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(Json.write(read.postBody())));
            }
            headers(built, source, read.tenant(), read.linkHeader(), read.via());
            request = built;
        } catch (IllegalArgumentException e) {
            // A header value or an address the HTTP client will not send: this source's failure, not the request's.
            // (Not its message: it may quote a credential of the registration.)
            return "cannot be asked: an address or header it is registered with cannot be sent";
        }
        try {
            HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() == 404) {
                    return NOT_THERE;
                }
                // 206: a temporal answer cut at the source's instance limit, partial but an answer.
                if (response.statusCode() != 200 && response.statusCode() != 206) {
                    return "answered " + response.statusCode();
                }
                byte[] bytes = body.readNBytes(MAX_ANSWER_BYTES + 1);
                if (bytes.length > MAX_ANSWER_BYTES) {
                    return "answer larger than " + MAX_ANSWER_BYTES + " bytes";
                }
                Long count = response.headers().firstValue("NGSILD-Results-Count")
                        .filter(text -> text.matches("\\d{1,18}")).map(Long::valueOf).orElse(null);
                JsonNode parsed = Json.parseBytes(bytes);
                return parsed == null ? "malformed answer (not one JSON value)" : new Reply(source, parsed, count);
            }
        } catch (java.net.http.HttpTimeoutException e) {
            return "no answer within " + timeout.toMillis() + " ms";
        } catch (IOException | RuntimeException e) {
            return "unreachable or malformed answer (" + e.getClass().getSimpleName() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** The endpoint is where the source's NGSI-LD API lives, with or without the /ngsi-ld/v1 of its paths. */
    private static String base(String endpoint) {
        String trimmed = endpoint.replaceAll("/+$", "");
        return trimmed.endsWith("/ngsi-ld/v1") ? trimmed : trimmed + "/ngsi-ld/v1";
    }

    /** Most a source may take, whatever its registration says: one source cannot hold a request for an hour. */
    static final Duration MAX_TIMEOUT = Duration.ofSeconds(30);

    private static Duration timeout(Registration source) {
        long millis = source.management().timeoutMillis();
        return millis > 0 ? Duration.ofMillis(Math.min(millis, MAX_TIMEOUT.toMillis())) : DEFAULT_TIMEOUT;
    }

    static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(10);

    private static Duration writeTimeout(Registration source) {
        long millis = source.management().timeoutMillis();
        return millis > 0 ? Duration.ofMillis(Math.min(millis, MAX_TIMEOUT.toMillis())) : DEFAULT_WRITE_TIMEOUT;
    }

    private static Duration cooldown(Registration source) {
        long millis = source.management().cooldownMillis();
        return millis > 0 ? Duration.ofMillis(millis) : DEFAULT_COOLDOWN;
    }

    /**
     * Merges a source's rendering of an entity into the local one (clause 4.3.6.1): attributes the local entity lacks
     * are added; where both have one, the instance observed (else modified) later wins, the local one on a tie.
     */
    public static ObjectNode merge(ObjectNode into, JsonNode other) {
        if (!(other instanceof ObjectNode remote) || !remote.path("id").asText().equals(into.path("id").asText(remote.path("id").asText()))) {
            return into;
        }
        if (!into.has("id")) {
            into.set("id", remote.get("id"));
            into.set("type", remote.get("type"));
        }
        remote.properties().forEach(member -> {
            String name = member.getKey();
            if (name.equals("id") || name.equals("type") || name.equals("@context")) {
                return;
            }
            JsonNode mine = into.get(name);
            if (mine == null || later(member.getValue(), mine)) {
                into.set(name, member.getValue());
            }
        });
        return into;
    }

    /**
     * Merges a source's temporal rendering of an entity into another (clause 4.3.6.1 for histories): attributes one
     * lacks are added; where both have one, the instances of both are kept, each instance once (by instanceId, else
     * by its whole content).
     */
    public static ObjectNode mergeHistories(ObjectNode into, ObjectNode other) {
        if (!other.path("id").asText().equals(into.path("id").asText())) {
            return into;
        }
        other.properties().forEach(member -> {
            String name = member.getKey();
            if (name.equals("id") || name.equals("type") || name.equals("@context")) {
                return;
            }
            JsonNode mine = into.get(name);
            JsonNode theirs = member.getValue();
            if (mine == null) {
                into.set(name, theirs);
            } else if (mine.isArray() && theirs.isArray()) {
                com.fasterxml.jackson.databind.node.ArrayNode both = ((com.fasterxml.jackson.databind.node.ArrayNode) mine).deepCopy();
                java.util.Set<String> seen = new java.util.HashSet<>();
                both.forEach(instance -> seen.add(instance.path("instanceId").asText(instance.toString())));
                theirs.forEach(instance -> {
                    if (seen.add(instance.path("instanceId").asText(instance.toString()))) {
                        both.add(instance);
                    }
                });
                into.set(name, both);
            }
        });
        return into;
    }

    private static boolean later(JsonNode theirs, JsonNode mine) {
        Instant a = time(theirs);
        Instant b = time(mine);
        return a != null && (b == null || a.isAfter(b));
    }

    private static Instant time(JsonNode attribute) {
        JsonNode instance = attribute.isArray() && !attribute.isEmpty() ? attribute.get(0) : attribute;
        if (!instance.isObject()) {
            return null;
        }
        String text = instance.hasNonNull("observedAt") ? instance.get("observedAt").asText() : instance.path("modifiedAt").asText(null);
        return DateTimes.instantOrNull(text);
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
