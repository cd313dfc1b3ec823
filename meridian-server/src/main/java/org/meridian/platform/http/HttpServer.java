package org.meridian.platform.http;

import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.security.RouteRole;
import io.javalin.security.Roles;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.meridian.core.error.ErrorType;
import org.meridian.core.error.MeridianException;
import org.meridian.core.security.Caller;
import org.meridian.core.security.Role;
import org.meridian.platform.PlatformError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP edge: Javalin on Jetty with virtual threads, serving the routes each capability contributes
 * ({@link Routes}). Errors are mapped here, once, to NGSI-LD problem details; nothing below this layer knows about
 * status codes.
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
    private static final String START_NANOS = "meridian.start";
    private static final String REGISTRY = "meridian.registry";

    /**
     * HTTP settings; {@code ratePerSecond} 0: no rate limit.
     *
     * @param openToAnyone kinds of route that need no sign-in here (by the operators' setting)
     */
    public record Options(String host, int port, long maxBodyBytes, int headerTimeoutMillis, int ratePerSecond, int rateBurst,
                          java.util.Set<Access> openToAnyone) {
    }

    private final Javalin app;
    private final HeaderReadDeadline headerDeadline;
    private final java.util.concurrent.atomic.AtomicBoolean stopping;

    private HttpServer(Javalin app, HeaderReadDeadline headerDeadline, java.util.concurrent.atomic.AtomicBoolean stopping) {
        this.app = app;
        this.headerDeadline = headerDeadline;
        this.stopping = stopping;
    }

    /**
     * Starts the server with the routes the capabilities contribute, and the platform's own (health, metrics, the API
     * document).
     *
     * @param callers tells who makes each request ({@link Callers#NOBODY} without the identity capability)
     */
    public static HttpServer start(List<Routes> capabilities, Options options, Callers.Source callers,
                                   BooleanSupplier databaseReachable, PrometheusMeterRegistry registry) {
        LargeBodyGate gate = new LargeBodyGate(Runtime.getRuntime().maxMemory(), options.maxBodyBytes());
        // Streams that never end by themselves (server-sent events) end when the server stops, instead of holding it up.
        java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
        Javalin app = Javalin.create(config -> {
            config.concurrency.useVirtualThreads = true;
            config.http.maxRequestSize = options.maxBodyBytes();
            config.http.prefer405over404 = true;
            config.http.defaultContentType = MediaTypes.JSON;
            config.router.ignoreTrailingSlashes = true;
            config.startup.showJavalinBanner = false;
            config.jetty.modifyServer(server -> {
                server.setStopTimeout(10_000);
                server.setErrorHandler(new ProblemErrorHandler());
            });
            config.jetty.modifyServletContextHandler(handler -> handler.setErrorHandler(new ProblemErrorHandler()));
            RoutesConfig routes = config.routes;
            routes.before(http -> http.attribute(START_NANOS, System.nanoTime()));
            routes.before(http -> http.attribute(REGISTRY, registry));
            routes.before(http -> http.attribute(EventStreams.STOPPING, stopping));
            routes.before(http -> http.attribute(Callers.SOURCE, callers));
            routes.beforeMatched(http -> authorise(http, options.openToAnyone()));
            RateLimiter limiter = new RateLimiter(options.ratePerSecond(), options.rateBurst());
            if (limiter.enabled()) {
                routes.beforeMatched(http -> limit(http, limiter));
            }
            routes.before(gate::enter);
            routes.after(gate::leave);
            routes.after(http -> record(http, registry));
            capabilities.forEach(capability -> capability.register(routes));
            new OperationsRoutes(databaseReachable, registry).register(routes);
            routes.exception(MeridianException.class, HttpServer::problem);
            routes.exception(HttpResponseException.class, (e, http) -> problem((e.getStatus() == 404 || e.getStatus() == 405)
                    && hasEmptySegment(http) ? emptySegment(http) : fromHttp(e, options.maxBodyBytes()), http));
            // Jetty's own refusals of a request keep their kind (the reason is Jetty's wording, not repeated).
            routes.exception(org.eclipse.jetty.http.HttpException.RuntimeException.class, (e, http) -> problem(
                    new MeridianException(switch (e.getCode()) {
                        case 408 -> PlatformError.REQUEST_TOO_SLOW;
                        case 413 -> PlatformError.BODY_TOO_LARGE;
                        default -> e.getCode() >= 500 ? PlatformError.UNEXPECTED : PlatformError.REQUEST_UNREADABLE;
                    }, "The request could not be read (HTTP " + e.getCode() + ")"), http));
            routes.exception(Exception.class, (e, http) -> {
                if (connectionLost(e) || connectionLost(e.getCause())) {
                    // The client went away (or was cut off, trickling its body): there is no one to answer.
                    LOG.debug("{} {}: the connection was lost: {}", http.method(), http.path(), e.toString());
                    problem(new MeridianException(PlatformError.REQUEST_UNREADABLE, "The connection was lost"), http);
                    return;
                }
                LOG.error("unexpected failure on {} {}: {}", http.method(), http.path(), e.toString(), e);
                problem(new MeridianException(PlatformError.UNEXPECTED,
                        "The server failed unexpectedly; the log has the details"), http);
            });
            routes.error(404, "*", http -> {
                if (isEmpty(http)) {
                    problem(hasEmptySegment(http) ? emptySegment(http) : MeridianException.notFound("No resource at " + http.path()), http);
                }
            });
            routes.error(405, "*", http -> {
                if (isEmpty(http) && hasEmptySegment(http)) {
                    problem(emptySegment(http), http);
                } else if (isEmpty(http)) {
                    problem(new MeridianException(ErrorType.METHOD_NOT_ALLOWED,
                            http.method() + " is not allowed on " + http.path()), http);
                }
            });
            routes.error(413, "*", http -> {
                if (isEmpty(http)) {
                    problem(tooLarge(options.maxBodyBytes()), http);
                }
            });
        });
        requireAccessOnEveryRoute(app);
        app.start(options.host(), options.port());
        HeaderReadDeadline headerDeadline = new HeaderReadDeadline(java.time.Duration.ofMillis(options.headerTimeoutMillis()));
        for (var connector : app.jettyServer().server().getConnectors()) {
            connector.addBean(headerDeadline);
        }
        LOG.info("HTTP listening on {}:{}", options.host(), app.port());
        return new HttpServer(app, headerDeadline, stopping);
    }

    /**
     * The access check before every matched route: the route's {@link Access} against the caller in the tenant the
     * request names. Not signed in where that is needed: 401; signed in without a role the route admits: 403.
     */
    private static void authorise(Context http, java.util.Set<Access> openToAnyone) {
        Access access = accessOf(http.routeRoles());
        if (!access.needsSignIn() || openToAnyone.contains(access)) {
            return;
        }
        String tenant = NgsiLdExchange.wantsStream(http) ? NgsiLdExchange.streamTenantOf(http) : NgsiLdExchange.tenantOf(http);
        Caller caller = Callers.of(http, tenant);
        if (access.admits(caller)) {
            return;
        }
        if (caller.isAnonymous()) {
            throw new MeridianException(PlatformError.NOT_SIGNED_IN,
                    "Sign in first (POST /auth/token), then send Authorization: Bearer <access token>");
        }
        throw new MeridianException(PlatformError.NOT_ALLOWED, caller.subject() + " may not " + http.method() + " "
                + http.path() + (tenant.isEmpty() ? "" : " in tenant " + tenant) + ": it needs one of the roles "
                + access.roles().stream().map(Role::id).sorted().toList());
    }

    /**
     * Requests per client (MERIDIAN_RATE_LIMIT_PER_SECOND, _BURST): a signed-in caller by its subject, anyone else by
     * address. Device measurements are left to ingest's own back-pressure (a gateway sends for many devices).
     */
    private static void limit(Context http, RateLimiter limiter) {
        Access access = accessOf(http.routeRoles());
        if (access == Access.OWN_CREDENTIALS) {
            return;
        }
        String client = "address:" + http.ip();
        if (access.needsSignIn()) {
            String tenant = http.header(NgsiLdExchange.TENANT_HEADER);
            Caller caller = Callers.of(http, tenant == null ? "" : tenant);
            if (!caller.isAnonymous()) {
                client = caller.subject();
            }
        }
        if (!limiter.tryAcquire(client)) {
            http.header("Retry-After", String.valueOf(limiter.secondsUntilNext()));
            throw new MeridianException(PlatformError.RATE_LIMITED, "Too many requests from this client; at most the rate "
                    + "MERIDIAN_RATE_LIMIT_PER_SECOND allows (bursts up to MERIDIAN_RATE_LIMIT_BURST)");
        }
    }

    private static Access accessOf(java.util.Set<RouteRole> roles) {
        return roles.stream().filter(Access.class::isInstance).map(Access.class::cast).findFirst()
                .orElseThrow(() -> new IllegalStateException("a route without an Access"));
    }

    /** A route registered without saying who may call it would be open or closed by accident: refuse to start. */
    private static void requireAccessOnEveryRoute(Javalin app) {
        List<String> missing = app.unsafe.internalRouter.allHttpHandlers().stream()
                .map(parsed -> parsed.endpoint)
                .filter(endpoint -> endpoint.method.isHttpMethod())
                .filter(endpoint -> {
                    Roles roles = endpoint.metadata(Roles.class);
                    return roles == null || roles.getRoles().stream().filter(Access.class::isInstance).count() != 1;
                })
                .map(endpoint -> endpoint.method + " " + endpoint.path).toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("Routes without exactly one Access: " + missing);
        }
    }

    /** Every route the server serves and the access it needs (the route-matrix test walks this). */
    public List<Route> routes() {
        return app.unsafe.internalRouter.allHttpHandlers().stream().map(parsed -> parsed.endpoint)
                .filter(endpoint -> endpoint.method.isHttpMethod())
                .map(endpoint -> new Route(endpoint.method.name(), endpoint.path, accessOf(endpoint.metadata(Roles.class).getRoles())))
                .toList();
    }

    /** A registered route. */
    public record Route(String method, String path, Access access) {
    }

    /** The client went away, or was cut off (a trickled body): Jetty's end of stream, a closed channel. */
    private static boolean connectionLost(Throwable e) {
        return e instanceof org.eclipse.jetty.io.EofException || e instanceof java.nio.channels.ClosedChannelException;
    }

    /**
     * An empty path segment inside a path (/entities//attrs) is an id or name left out: a malformed request, not a
     * missing resource (NGSI-LD clause 6.3.2). A trailing slash names the collection itself, where a method for one
     * member is 405.
     */
    private static boolean hasEmptySegment(Context http) {
        String path = http.path();
        return path.startsWith("/ngsi-ld/") && path.contains("//");
    }

    private static MeridianException emptySegment(Context http) {
        return MeridianException.badData("The path " + http.path() + " has an empty segment where an id or name belongs");
    }

    private static boolean isEmpty(Context http) {
        String result = http.result();
        return result == null || result.isEmpty();
    }

    private static MeridianException tooLarge(long maxBodyBytes) {
        return new MeridianException(ErrorType.PAYLOAD_TOO_LARGE,
                "The request body is larger than " + maxBodyBytes + " bytes (MERIDIAN_MAX_BODY_BYTES)");
    }

    private static MeridianException fromHttp(HttpResponseException e, long maxBodyBytes) {
        return switch (e.getStatus()) {
            case 413 -> tooLarge(maxBodyBytes);
            case 404 -> MeridianException.notFound(e.getMessage());
            case 405 -> new MeridianException(ErrorType.METHOD_NOT_ALLOWED, e.getMessage());
            case 415 -> new MeridianException(ErrorType.UNSUPPORTED_MEDIA_TYPE, e.getMessage());
            default -> e.getStatus() >= 500
                    ? new MeridianException(ErrorType.INTERNAL_ERROR, e.getMessage())
                    : MeridianException.badData(e.getMessage());
        };
    }

    private static void problem(MeridianException error, Context http) {
        int status = error.type().httpStatus();
        if (status == 401 || status == 403 || status == 429) {
            // Refused callers (no or bad credentials, no role, too many requests), by reason: an operator's alarm.
            PrometheusMeterRegistry registry = http.attribute(REGISTRY);
            if (registry != null) {
                registry.counter("meridian.security.refusals", "code", error.code().code(),
                        "status", String.valueOf(status)).increment();
            }
        }
        if (error.type() == ErrorType.INTERNAL_ERROR && error.getCause() != null) {
            LOG.error("internal error on {} {}: {}", http.method(), http.path(), error.getCause().toString(), error.getCause());
        }
        if (error.type().httpStatus() == 503) {
            http.header("Retry-After", "2");
        }
        ErrorFace face = http.attribute(ErrorFace.ATTRIBUTE);
        if (face != null) {
            face.write(error, http);
            return;
        }
        if (error.type() == ErrorType.UNAUTHENTICATED && http.res().getHeader("WWW-Authenticate") == null) {
            http.header("WWW-Authenticate", "Bearer");
        }
        http.status(error.type().httpStatus()).contentType(MediaTypes.JSON).result(ProblemDetails.of(error).toString());
    }

    private static void record(Context http, PrometheusMeterRegistry registry) {
        Long start = http.attribute(START_NANOS);
        if (start == null) {
            return;
        }
        var matched = http.endpoints().matchedHttpEndpoint();
        String route = matched == null ? "unmatched" : matched.path;
        Timer.builder("meridian.http.requests")
                .description("HTTP requests by route and status")
                .tag("method", http.method().name())
                .tag("route", route)
                .tag("status", String.valueOf(http.statusCode()))
                .publishPercentileHistogram(false)
                .register(registry)
                .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    public int port() {
        return app.port();
    }

    /** Stops accepting requests and lets those in flight finish (up to 10 s). */
    @Override
    public void close() {
        stopping.set(true);
        app.stop();
        headerDeadline.close();
    }
}
