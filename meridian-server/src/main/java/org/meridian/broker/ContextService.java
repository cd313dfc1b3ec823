package org.meridian.broker;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.meridian.broker.store.ContextDocumentStore;
import org.meridian.core.error.ErrorType;
import org.meridian.core.error.MeridianException;
import org.meridian.core.json.Json;
import org.meridian.core.jsonld.ContextCompiler;
import org.meridian.core.jsonld.ContextResolver;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.jsonld.StoredContext;
import org.meridian.core.ngsild.NgsiLd;
import org.meridian.platform.ExpiringCache;
import org.meridian.platform.db.Transactions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves {@code @context} values to compiled contexts, offline first: the ETSI core contexts are bundled, operators
 * preload a folder (which stays the origin of its URLs: a deleted preloaded context is read from it again, as a cache
 * entry is fetched again) or upload contexts to the store; an unknown URL is fetched once within the limits of
 * {@link ContextFetcher} and kept as Cached, or fails with LdContextNotAvailable. Compiled contexts are cached for a
 * minute, so a deleted context stops resolving on every node of a cluster within that time.
 */
public final class ContextService implements ContextResolver {
    private static final Logger LOG = LoggerFactory.getLogger(ContextService.class);
    private static final Pattern HOSTED_PATH = Pattern.compile(".*/ngsi-ld/v1/jsonldContexts/([A-Za-z0-9-]+)$");
    private static final Map<String, String> BUNDLED = Map.of(
            "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.6.jsonld", "ngsi-ld-core-context-v1.6.jsonld",
            "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.7.jsonld", "ngsi-ld-core-context-v1.8.jsonld",
            NgsiLd.CORE_CONTEXT_V1_8, "ngsi-ld-core-context-v1.8.jsonld",
            "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.9.jsonld", "ngsi-ld-core-context-v1.9.jsonld",
            "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld", "ngsi-ld-core-context-v1.8.jsonld");

    private final Transactions transactions;
    private final ContextDocumentStore store;
    private final Map<String, JsonNode> bundled = new LinkedHashMap<>();
    private final JsonNode coreContext;
    private final JsonLdContext core;
    private final ContextCompiler compiler = new ContextCompiler(this::load);
    private final ExpiringCache<String, JsonNode> documents = new ExpiringCache<>(Duration.ofSeconds(60), 1_000);
    private final ExpiringCache<String, JsonLdContext> compiled = new ExpiringCache<>(Duration.ofSeconds(60), 1_000);
    private final Map<String, Path> preloaded = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, java.util.concurrent.atomic.LongAdder> hits = new java.util.concurrent.ConcurrentHashMap<>();
    private final ContextFetcher fetcher;
    private String publicUrl = "http://localhost:8080";

    public ContextService(Transactions transactions, ContextDocumentStore store) {
        this(transactions, store, new ContextFetcher(false, java.util.Set.of(), false, Duration.ofSeconds(5), 1 << 20));
    }

    public ContextService(Transactions transactions, ContextDocumentStore store, ContextFetcher fetcher) {
        this.transactions = transactions;
        this.store = store;
        this.fetcher = fetcher;
        BUNDLED.forEach((url, resource) -> bundled.put(url, readResource("/contexts/" + resource)));
        this.coreContext = bundled.get(NgsiLd.CORE_CONTEXT_V1_8).get("@context");
        this.core = compiler.compile(null, coreContext);
    }

    public void setPublicUrl(String url) {
        this.publicUrl = url;
    }

    /** Loads a folder of context files listed in its {@code contexts.json} index ({"url": "file"}). */
    public void preload(Path directory) {
        Path index = directory.resolve("contexts.json");
        if (!Files.isRegularFile(index)) {
            throw new IllegalArgumentException("MERIDIAN_CONTEXTS_DIR " + directory
                    + " has no contexts.json; it must map each context URL to a file in the folder");
        }
        try {
            JsonNode entries = Json.parseRequest(Files.readString(index));
            for (var entry : entries.properties()) {
                Path file = directory.resolve(entry.getValue().asText());
                JsonNode document = readPreloaded(file);
                preloaded.put(entry.getKey(), file);
                transactions.inTransaction(connection -> {
                    store.insert(connection, UUID.randomUUID().toString(), entry.getKey(), "Cached", document);
                    return null;
                });
                LOG.info("preloaded @context {} from {}", entry.getKey(), entry.getValue().asText());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the contexts in " + directory, e);
        }
    }

    private static JsonNode readPreloaded(Path file) throws IOException {
        JsonNode document = Json.parseRequest(Files.readString(file));
        if (!document.has("@context")) {
            throw new IllegalArgumentException("Context file " + file + " has no @context member");
        }
        return document;
    }

    public JsonLdContext core() {
        return core;
    }

    /** Compiles the caller's {@code @context} (null: the core context alone). */
    @Override
    public JsonLdContext resolve(JsonNode userContext) {
        if (userContext == null || userContext.isNull()) {
            return core;
        }
        countUse(userContext);
        return compiled.get(Json.write(userContext), key -> compiler.compile(userContext, coreContext));
    }

    private JsonNode load(String url) {
        JsonNode bundledDocument = bundled.get(url);
        if (bundledDocument != null) {
            return bundledDocument;
        }
        return documents.get(url, this::loadStored);
    }

    private JsonNode loadStored(String url) {
        Matcher hosted = HOSTED_PATH.matcher(url);
        String key = hosted.matches() ? hosted.group(1) : url;
        Optional<StoredContext> stored = transactions.readOnly(connection -> store.findByUrlOrId(connection, key));
        if (stored.isPresent()) {
            return stored.get().body();
        }
        if (hosted.matches()) {
            throw new MeridianException(ErrorType.LD_CONTEXT_NOT_AVAILABLE, "No hosted @context " + url + " in the store");
        }
        return cache(url).body();
    }

    /** Reads a context from its origin (the preload folder, else the web) into the store as Cached. */
    private StoredContext cache(String url) {
        JsonNode body = readFromOrigin(url);
        return transactions.inTransaction(connection -> {
            store.insert(connection, UUID.randomUUID().toString(), url, "Cached", body);
            return store.findByUrlOrId(connection, url).orElseThrow();
        });
    }

    /** A context's document as its origin (the preload folder, else the web) serves it now; 503 when it cannot. */
    private JsonNode readFromOrigin(String url) {
        Path file = preloaded.get(url);
        if (file != null) {
            try {
                return readPreloaded(file);
            } catch (IOException e) {
                throw new MeridianException(ErrorType.LD_CONTEXT_NOT_AVAILABLE, "The preloaded @context " + url + " cannot be read again");
            }
        }
        JsonNode document = fetcher.fetch(url);
        LOG.info("fetched @context {} and keeps it as Cached", url);
        return document;
    }

    /** Counts the uses of the stored contexts a request names (written to the store when usage is read). */
    private void countUse(JsonNode userContext) {
        if (userContext.isTextual()) {
            if (!bundled.containsKey(userContext.asText())) {
                hits.computeIfAbsent(userContext.asText(), url -> new java.util.concurrent.atomic.LongAdder()).increment();
            }
        } else if (userContext.isArray()) {
            userContext.forEach(element -> {
                if (element.isTextual()) {
                    countUse(element);
                }
            });
        }
    }

    /** Writes the uses counted since the last time, so numberOfHits and lastUsage are current. */
    private void flushHits() {
        if (hits.isEmpty()) {
            return;
        }
        Map<String, Long> counted = new LinkedHashMap<>();
        for (String url : List.copyOf(hits.keySet())) {
            java.util.concurrent.atomic.LongAdder adder = hits.remove(url);
            if (adder != null) {
                counted.put(url, adder.sum());
            }
        }
        transactions.inTransaction(connection -> {
            for (Map.Entry<String, Long> use : counted.entrySet()) {
                Matcher hosted = HOSTED_PATH.matcher(use.getKey());
                store.recordUse(connection, hosted.matches() ? hosted.group(1) : use.getKey(), use.getValue());
            }
            return null;
        });
    }

    /**
     * Adds a context (clause 5.13.2): a document with the terms is stored as Hosted and served by this broker; a
     * document whose @context is only a URL makes the broker hold that context as Cached.
     */
    public StoredContext add(JsonNode document) {
        if (!document.isObject() || !document.has("@context")) {
            throw MeridianException.invalidRequest("A context document must be a JSON object with an @context member");
        }
        JsonNode value = document.get("@context");
        if (value.isTextual()) {
            String url = value.asText();
            if (bundled.containsKey(url)) {
                throw MeridianException.badData("The ETSI core @context is built in; it needs no adding");
            }
            return find(url).orElseGet(() -> cache(url));
        }
        // Compile now so a context that cannot work is refused at upload, not at first use (its URLs are cached).
        compiler.compile(value, coreContext);
        String localId = UUID.randomUUID().toString();
        String url = publicUrl + "/ngsi-ld/v1/jsonldContexts/" + localId;
        return transactions.inTransaction(connection -> {
            store.insert(connection, localId, url, "Hosted", document);
            return store.findByUrlOrId(connection, localId).orElseThrow();
        });
    }

    public List<StoredContext> list(String kind) {
        flushHits();
        return transactions.readOnly(connection -> store.list(connection, kind));
    }

    public Optional<JsonNode> bundledDocument(String url) {
        return Optional.ofNullable(bundled.get(url));
    }

    public List<String> bundledUrls() {
        return List.copyOf(bundled.keySet());
    }

    public Optional<StoredContext> find(String idOrUrl) {
        Matcher hosted = HOSTED_PATH.matcher(idOrUrl);
        String key = hosted.matches() ? hosted.group(1) : idOrUrl;
        flushHits();
        return transactions.readOnly(connection -> store.findByUrlOrId(connection, key));
    }

    /**
     * Deletes a context (clause 5.13.5); with reload, a Cached one is read again from its origin instead, and the
     * built-in core context needs no reloading. Only Cached contexts have an origin to reload from.
     */
    public void delete(String idOrUrl, boolean reload) {
        if (bundled.containsKey(idOrUrl)) {
            if (reload) {
                return;
            }
            throw MeridianException.badData("The ETSI core @context is built in and cannot be deleted");
        }
        Optional<StoredContext> found = find(idOrUrl);
        if (found.isEmpty()) {
            throw reload ? MeridianException.badData("No Cached @context " + idOrUrl + " to reload")
                    : MeridianException.notFound("No @context " + idOrUrl + " in the store");
        }
        StoredContext stored = found.get();
        if (reload && !stored.kind().equals("Cached")) {
            throw MeridianException.badData("Only a Cached @context can be reloaded; " + idOrUrl + " is " + stored.kind());
        }
        // A reload reads the origin first: when it cannot be reached (503), the cached copy stays in use; when it can,
        // the copy is replaced in place (same local id).
        JsonNode fresh = reload ? readFromOrigin(stored.url()) : null;
        transactions.inTransaction(connection -> {
            if (fresh != null) {
                store.insert(connection, stored.localId(), stored.url(), "Cached", fresh);
            } else {
                store.delete(connection, stored.localId());
            }
            return null;
        });
        documents.invalidateAll();
        compiled.invalidateAll();
    }

    private static JsonNode readResource(String resource) {
        try (InputStream in = ContextService.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("bundled context missing: " + resource);
            }
            return Json.parseTrusted(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
