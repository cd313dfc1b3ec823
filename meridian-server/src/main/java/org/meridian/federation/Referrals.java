package org.meridian.federation;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.meridian.cases.CaseReferrals;
import org.meridian.cases.CaseService;
import org.meridian.core.json.Json;

/**
 * The node below's half of referred cases: a round, every few seconds and at once after a referral, that delivers
 * each referred case to the parent and then reads back what becomes of it there. The cases themselves are the outbox:
 * a case stays {@code referred} and pending until the parent says it has it, so a parent that is down, or a node
 * that stops, loses nothing; the round tries again, waiting longer after each failure (up to five minutes).
 */
final class Referrals implements CaseService.Upward, AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Referrals.class);
    /** Most referred cases one round reads (a node refers a handful a day; the quiet ones are looked at rarely). */
    static final int PER_ROUND = 2_000;
    static final Duration MAX_WAIT = Duration.ofMinutes(5);
    private static final int MAX_ANSWER_BYTES = 4 * 1024 * 1024;

    private final CaseReferrals referrals;
    private final FederationSettings settings;
    private final Clock clock;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER).build();
    private final ReentrantLock round = new ReentrantLock();
    private final Map<CaseReferrals.Key, Waiting> waiting = new ConcurrentHashMap<>();
    private volatile String parentName;

    /**
     * When to look at a case again: after a failure (what went wrong, logged once; {@code failures} in a row), or, with
     * an empty problem, after {@code failures} quiet looks in a row.
     */
    private record Waiting(Instant next, int failures, String problem) {
    }

    Referrals(CaseReferrals referrals, FederationSettings settings, Clock clock) {
        this.referrals = referrals;
        this.settings = settings;
        this.clock = clock;
    }

    /** The parent's name once it has said it; null until then. */
    @Override
    public String name() {
        return parentName;
    }

    @Override
    public void nudge() {
        Thread.ofVirtual().name("meridian-referrals-now").start(() -> {
            try {
                runRound();
            } catch (RuntimeException e) {
                LOG.warn("referring cases to the parent failed now (tried again within {} s): {}",
                        FederationCapability.REFERRAL_ROUND.toSeconds(), e.toString());
            }
        });
    }

    /**
     * One round: each referred case delivered or followed, unless it is waiting — after a failure, or, followed with no
     * news for a while, for its next look (10 s, 20 s… up to two minutes; news brings it back to every round). A parent
     * that cannot be reached ends the round: the other cases would only wait for the same timeout each.
     */
    void runRound() {
        if (!round.tryLock()) {
            return; // one round at a time: the one running will see the case, or the next will
        }
        try {
            boolean unreachable = waiting.values().stream().anyMatch(wait -> wait.problem().startsWith(UNREACHABLE));
            if (parentName == null || unreachable) {
                java.util.Optional<JsonNode> node = ask("/federation/v1/node", null);
                node.map(answer -> answer.path("name").asText(null)).ifPresent(name -> parentName = name);
                if (node.isPresent() && unreachable) {
                    // The parent is back: every case waiting for it is tried now rather than after its back-off.
                    waiting.values().removeIf(wait -> wait.problem().startsWith(UNREACHABLE));
                }
            }
            Instant now = clock.instant();
            List<CaseReferrals.Key> all = referrals.referred(PER_ROUND);
            if (all.size() < PER_ROUND) {
                // Cases no longer referred (closed here since) are forgotten.
                waiting.keySet().retainAll(new java.util.HashSet<>(all));
            }
            for (CaseReferrals.Key key : all) {
                Waiting before = waiting.get(key);
                if (before != null && now.isBefore(before.next())) {
                    continue;
                }
                CaseReferrals.Referred referred = referrals.referred(settings.name(), key);
                if (referred == null) {
                    continue;
                }
                Object result = referred.pending() ? deliver(referred) : follow(referred);
                boolean wasFailing = before != null && !before.problem().isEmpty();
                if (result instanceof String problem) {
                    int failures = wasFailing ? before.failures() + 1 : 1;
                    if (!wasFailing || !before.problem().equals(problem)) {
                        LOG.warn("case {} {} the parent: {}; trying again", referred.id(),
                                referred.pending() ? "is not yet referred to" : "cannot be followed at", problem);
                    }
                    waiting.put(key, new Waiting(now.plus(Duration.ofSeconds(Math.min(MAX_WAIT.toSeconds(), 5L << Math.min(failures, 6)))),
                            failures, problem));
                    if (problem.startsWith(UNREACHABLE)) {
                        break;
                    }
                    continue;
                }
                if (wasFailing) {
                    LOG.info("the parent answers for case {} again", referred.id());
                }
                // Delivered, or followed: a case with news is looked at every round, a quiet one less and less often.
                int quiet = result instanceof Integer news && news == 0 && before != null && !wasFailing ? before.failures() + 1 : 0;
                waiting.put(key, new Waiting(quiet == 0 ? now : now.plus(Duration.ofSeconds(Math.min(120, 5L << Math.min(quiet, 5)))),
                        quiet, ""));
            }
        } finally {
            round.unlock();
        }
    }

    private static final String UNREACHABLE = "unreachable";

    /** Sends the case up; null when the parent has it, else why not. */
    private String deliver(CaseReferrals.Referred referred) {
        try {
            HttpResponse<InputStream> response = client.send(request("/federation/v1/referrals", referred.tenant())
                    .POST(HttpRequest.BodyPublishers.ofString(Json.write(referred.referral()))).header("Content-Type", "application/json")
                    .build(), HttpResponse.BodyHandlers.ofInputStream());
            JsonNode answer = read(response);
            if ((response.statusCode() != 200 && response.statusCode() != 201) || answer == null || !answer.path("id").isTextual()) {
                return "it answered " + response.statusCode() + (answer == null ? "" : " " + answer.path("detail").asText(""));
            }
            String node = answer.path("node").asText(settings.parent());
            parentName = node;
            referrals.delivered(referred.tenant(), referred.id(), node, answer.path("id").asText());
            return null;
        } catch (IOException e) {
            return "unreachable (" + e.getClass().getSimpleName() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** Reads back the case's events at the parent: how many it took in (an Integer), else why not (a String). */
    private Object follow(CaseReferrals.Referred referred) {
        try {
            HttpResponse<InputStream> response = client.send(request("/federation/v1/referrals/"
                    + URLEncoder.encode(referred.above(), StandardCharsets.UTF_8) + "?after=" + referred.upstreamSeq(), referred.tenant())
                    .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            JsonNode answer = read(response);
            if (response.statusCode() != 200 || answer == null || !answer.path("events").isArray()) {
                return "it answered " + response.statusCode() + (answer == null ? "" : " " + answer.path("detail").asText(""));
            }
            return referrals.follow(referred.tenant(), referred.id(), answer.path("node").asText(settings.parent()), answer);
        } catch (IOException e) {
            return "unreachable (" + e.getClass().getSimpleName() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private java.util.Optional<JsonNode> ask(String path, String tenant) {
        try {
            HttpResponse<InputStream> response = client.send(request(path, tenant).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            JsonNode answer = read(response);
            return response.statusCode() == 200 ? java.util.Optional.ofNullable(answer) : java.util.Optional.empty();
        } catch (IOException e) {
            return java.util.Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return java.util.Optional.empty();
        }
    }

    private HttpRequest.Builder request(String path, String tenant) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(settings.parent().replaceAll("/+$", "") + path))
                .timeout(Duration.ofSeconds(10)).header("Accept", "application/json").header("X-Api-Key", settings.parentKey());
        if (tenant != null && !tenant.isEmpty()) {
            request.header("NGSILD-Tenant", tenant);
        }
        return request;
    }

    /** The answer as JSON (null when it is not JSON or too large). */
    private static JsonNode read(HttpResponse<InputStream> response) throws IOException {
        try (InputStream body = response.body()) {
            byte[] bytes = body.readNBytes(MAX_ANSWER_BYTES + 1);
            return bytes.length > MAX_ANSWER_BYTES ? null : Json.parseBytes(bytes);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
