package org.meridian.broker;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import org.meridian.core.error.ErrorType;
import org.meridian.core.error.MeridianException;
import org.meridian.core.json.Json;

/**
 * Fetches an {@code @context} the broker does not hold, once, so it can be kept as Cached: http or https only, a
 * short timeout, a size limit, no redirects, the hosts an allow-list names (or any), and never an address on this
 * machine or the private network unless allowed: a client's @context URL must not make the broker reach inside
 * (SSRF). The address is checked when the name is resolved; a name that resolves differently a moment later (DNS
 * rebinding) is the known limit of a check outside the HTTP client.
 *
 * @param allowedHosts host names that may be fetched from; empty: any
 * @param privateAddresses whether loopback, link-local and private addresses may be fetched from
 */
public record ContextFetcher(boolean enabled, Set<String> allowedHosts, boolean privateAddresses, Duration timeout,
                             int maxBytes) {
    private static final HttpClient CLIENT = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(3)).build();

    /** The @context document at the URL, or 503 LdContextNotAvailable saying why not. */
    public JsonNode fetch(String url) {
        if (!enabled) {
            throw unavailable(url, "fetching contexts is off (MERIDIAN_CONTEXT_FETCH)");
        }
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw unavailable(url, "it is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw unavailable(url, "only http and https URLs are fetched");
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (!allowedHosts.isEmpty() && !allowedHosts.contains(host)) {
            throw unavailable(url, "its host is not in MERIDIAN_CONTEXT_FETCH_HOSTS");
        }
        requirePublic(url, host);
        try {
            HttpResponse<InputStream> response = CLIENT.send(HttpRequest.newBuilder(uri).timeout(timeout)
                    .header("Accept", "application/ld+json, application/json").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    throw unavailable(url, "it answered " + response.statusCode());
                }
                byte[] bytes = body.readNBytes(maxBytes + 1);
                if (bytes.length > maxBytes) {
                    throw unavailable(url, "it is larger than " + maxBytes + " bytes");
                }
                JsonNode document = Json.parseRequest(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
                if (!document.isObject() || !document.has("@context")) {
                    throw unavailable(url, "it is not a JSON-LD document with an @context");
                }
                return document;
            }
        } catch (IOException e) {
            throw unavailable(url, "it could not be reached (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(url, "the fetch was interrupted");
        } catch (MeridianException e) {
            if (e.type() == ErrorType.LD_CONTEXT_NOT_AVAILABLE) {
                throw e;
            }
            throw unavailable(url, "it is not valid JSON");
        }
    }

    private void requirePublic(String url, String host) {
        if (privateAddresses) {
            return;
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
                        || address.isAnyLocalAddress() || address.isMulticastAddress() || isUniqueLocal(address)) {
                    throw unavailable(url, "it names an address on this machine or a private network"
                            + " (MERIDIAN_CONTEXT_FETCH_PRIVATE allows that)");
                }
            }
        } catch (UnknownHostException e) {
            throw unavailable(url, "its host is not known");
        }
    }

    /** IPv6 unique local addresses (fc00::/7), which InetAddress does not call site-local. */
    private static boolean isUniqueLocal(InetAddress address) {
        byte[] bytes = address.getAddress();
        return bytes.length == 16 && (bytes[0] & 0xfe) == 0xfc;
    }

    private static MeridianException unavailable(String url, String why) {
        return new MeridianException(ErrorType.LD_CONTEXT_NOT_AVAILABLE, "The @context " + url + " is not in this broker's"
                + " store and could not be fetched: " + why + ". Upload it with POST /ngsi-ld/v1/jsonldContexts or preload"
                + " it with MERIDIAN_CONTEXTS_DIR.");
    }
}
